using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Hashing.Text;

/// <summary>
/// Text signatures for hash banks: an exact hash of the normalised text, and a MinHash signature
/// for near-duplicate search. Both normalise with <see cref="TextNormalizer.Normalize"/> first.
/// </summary>
public static class TextHasher
{
    private const int StackLimit = 1024;

    /// <summary>SHA-256 of the UTF-8 normalised text, as 64 lowercase hex digits.</summary>
    public static string ExactHash(string text) => ExactHash256(text).ToString();

    /// <summary>SHA-256 of the UTF-8 normalised text.</summary>
    public static Hash256 ExactHash256(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Sha256OfNormalized(TextNormalizer.Normalize(text));
    }

    /// <summary>SHA-256 of text that is already normalised (no normalisation is applied).</summary>
    public static Hash256 Sha256OfNormalized(ReadOnlySpan<char> normalized)
    {
        var byteCount = Encoding.UTF8.GetByteCount(normalized);
        byte[]? rented = null;
        var bytes = byteCount <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            var written = Encoding.UTF8.GetBytes(normalized, bytes);
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(bytes[..written], digest);
            return Hash256.FromBytes(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>MinHash signature of the normalised text's shingles (see <see cref="MinHashSignature"/>).</summary>
    public static MinHashSignature MinHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return MinHashOfNormalized(TextNormalizer.Normalize(text));
    }

    /// <summary>MinHash signature of text that is already normalised (single spaces between words, no other spacing).</summary>
    public static MinHashSignature MinHashOfNormalized(ReadOnlySpan<char> normalized)
    {
        var values = new uint[MinHashSignature.Size];
        MinHasher.Compute(normalized, values);
        return new MinHashSignature(values);
    }
}
