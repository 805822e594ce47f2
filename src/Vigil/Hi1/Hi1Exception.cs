namespace Vigil.Hi1;

/// <summary>
/// A request Vigil refuses as a whole: a stable <see cref="Code"/> (written to the ledger as the refusal reason), the
/// HTTP status, an HI-1 error number and a message that says where (field, line or JSON path).
/// </summary>
public sealed class Hi1Exception(string code, int status, string message) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>HTTP status of the answer (400, 401, 403, 413, 415).</summary>
    public int Status { get; } = status;

    /// <summary>The HI-1 <c>ErrorCode</c> number for <see cref="Code"/> (see docs/hi1.md).</summary>
    public int ErrorNumber => Hi1ErrorCodes.Number(Code);

    public static Hi1Exception Malformed(string code, string message) => new(code, 400, message);

    public static Hi1Exception Unauthenticated(string code, string message) => new(code, 401, message);

    public static Hi1Exception Forbidden(string code, string message) => new(code, 403, message);
}

/// <summary>
/// HI-1 <c>ErrorInformation/ErrorCode</c> numbers Vigil answers with, by family: 1xxx authentication, 2xxx an
/// unreadable or unsupported message, 3xxx an order that fails validation, 4xxx an unknown object, 5xxx Vigil's fault.
/// </summary>
public static class Hi1ErrorCodes
{
    public static int Number(string code) => code switch
    {
        _ when code.StartsWith("key_", StringComparison.Ordinal) || code.StartsWith("signature_", StringComparison.Ordinal)
            || code.StartsWith("alg_", StringComparison.Ordinal) || code.StartsWith("jws_", StringComparison.Ordinal)
            || code is "replay" or "clock_skew" or "authority_disabled" or "nonce_missing" or "nonce_invalid" or "iat_missing" or "kid_missing" => 1000,
        "order_invalid" or "order_not_processed" => 3000,
        "not_found" => 4000,
        "internal_error" => 5000,
        _ => 2000,
    };
}
