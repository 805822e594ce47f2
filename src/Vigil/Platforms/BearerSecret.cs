using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Platforms;

/// <summary>A freshly made bearer secret: the public id, the full token shown once, and the hash that is stored.</summary>
public sealed record NewBearerSecret(string Id, string Token, byte[] SecretSha256);

/// <summary>
/// The one format of Vigil's bearer secrets (platform API keys <c>vgl_</c>, metrics scrape tokens <c>vmt_</c>):
/// <c>PREFIX&lt;hex id&gt;_&lt;base64url secret&gt;</c>. Only the SHA-256 of the secret is stored: the secret is 32
/// random bytes, so a fast hash is enough (no dictionary to attack); the id finds the row.
/// </summary>
public static class BearerSecret
{
    private const int MaxLength = 200;

    /// <summary>Makes a new id (8 random bytes, hex) and secret (32 random bytes, base64url).</summary>
    public static NewBearerSecret Create(string prefix)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return new NewBearerSecret(id, prefix + id + "_" + secret, Hash(secret));
    }

    /// <summary>Splits <c>PREFIX&lt;id&gt;_&lt;secret&gt;</c>; the id is hex, so the first '_' after it ends it.</summary>
    public static bool TryParse(string? token, string prefix, out string id, out string secret)
    {
        id = secret = "";
        if (token is null || !token.StartsWith(prefix, StringComparison.Ordinal) || token.Length > MaxLength)
        {
            return false;
        }
        var rest = token.AsSpan(prefix.Length);
        int sep = rest.IndexOf('_');
        if (sep <= 0 || sep == rest.Length - 1)
        {
            return false;
        }
        id = rest[..sep].ToString();
        secret = rest[(sep + 1)..].ToString();
        return true;
    }

    /// <summary>Whether <paramref name="secret"/> is the one whose hash was stored, in constant time.</summary>
    public static bool Matches(string secret, byte[] storedSha256) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedSha256);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
