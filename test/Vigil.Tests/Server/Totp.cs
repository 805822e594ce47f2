using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Vigil.Tests.Server;

/// <summary>RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) from a base32 secret, written independently of Identity's code.</summary>
internal static class Totp
{
    /// <summary>The 30-second time step that <paramref name="now"/> falls in (the TOTP counter).</summary>
    public static long Step(DateTimeOffset now) => now.ToUnixTimeSeconds() / 30;

    public static string Code(string base32Secret, DateTimeOffset now)
    {
        var key = Base32Decode(base32Secret);
        long counter = Step(now);
        Span<byte> msg = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(msg, counter);
#pragma warning disable CA5350 // RFC 6238 and every authenticator app use HMAC-SHA1 here.
        var mac = HMACSHA1.HashData(key, msg);
#pragma warning restore CA5350
        int offset = mac[^1] & 0x0f;
        int binary = (BinaryPrimitives.ReadInt32BigEndian(mac.AsSpan(offset, 4)) & 0x7fffffff) % 1_000_000;
        return binary.ToString("D6", CultureInfo.InvariantCulture);
    }

    private static byte[] Base32Decode(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        s = s.TrimEnd('=').ToUpperInvariant();
        var output = new List<byte>(s.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in s)
        {
            int v = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
            {
                throw new FormatException($"'{c}' is not base32");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }
        return [.. output];
    }
}

public sealed class TotpTests
{
    [Fact]
    public void Rfc6238_sha1_vector_at_59_seconds_gives_287082()
    {
        // RFC 6238 appendix B: secret "12345678901234567890", T=59 -> 94287082 (8 digits); the last 6 are 287082.
        var secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        Assert.Equal("287082", Totp.Code(secret, DateTimeOffset.FromUnixTimeSeconds(59)));
        Assert.Equal("081804", Totp.Code(secret, DateTimeOffset.FromUnixTimeSeconds(1111111109)));
    }
}
