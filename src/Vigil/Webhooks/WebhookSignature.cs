using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Webhooks;

/// <summary>
/// <c>Vigil-Signature: v1=&lt;hex&gt;</c>: lowercase hex HMAC-SHA256 keyed with the secret's UTF-8 bytes (the whole
/// <c>whsec_...</c> string) over <c>"{timestamp}.{body}"</c>. During a secret rotation the header carries one v1
/// value per secret, comma-separated, newest first.
/// </summary>
public static class WebhookSignature
{
    public const string Scheme = "v1";

    /// <summary>The lowercase hex signature of <paramref name="body"/> sent at <paramref name="timestamp"/> (unix seconds).</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>The header value: <c>v1=...</c>, or <c>v1=new,v1=old</c> while two secrets are valid.</summary>
    public static string Header(IEnumerable<string> secrets, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var values = new List<string>(2);
        foreach (var s in secrets)
        {
            values.Add(Scheme + "=" + Compute(s, timestamp, body));
        }
        return string.Join(",", values);
    }

    /// <summary>
    /// What a receiver does: true when one v1 value of <paramref name="header"/> matches (constant-time comparison).
    /// The caller also rejects timestamps too far from its clock, to limit replays.
    /// </summary>
    public static bool Verify(string secret, long timestamp, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        var ok = false;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith(Scheme + "=", StringComparison.Ordinal))
            {
                ok |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(part[(Scheme.Length + 1)..]));
            }
        }
        return ok;
    }
}
