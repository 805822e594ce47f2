using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Vigil.Hashing;

/// <summary>
/// A 256-bit perceptual hash (PDQ, or any other 256-bit signature) held as four 64-bit words.
/// </summary>
/// <remarks>
/// The canonical text form is 64 lowercase hex digits, the form the PDQ reference prints and the
/// hash exchanges carry. <see cref="W0"/> holds the first 16 hex digits (big-endian), <see cref="W3"/>
/// the last 16. Hamming distance does not depend on the layout, only on equality of bit positions.
/// </remarks>
public readonly record struct Hash256(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>Number of bits in the hash.</summary>
    public const int Bits = 256;

    /// <summary>The all-zero hash (what PDQ gives an image too small to hash).</summary>
    public static Hash256 Zero => default;

    /// <summary>Hamming distance: the number of differing bits (0..256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DistanceTo(in Hash256 other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1)
        + BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    /// <summary>Number of set bits.</summary>
    public int PopCount =>
        BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    /// <summary>Reads bit <paramref name="index"/> (0 = most significant bit of the first hex digit).</summary>
    public bool GetBit(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Bits);
        var word = index switch { < 64 => W0, < 128 => W1, < 192 => W2, _ => W3 };
        return ((word >> (63 - (index & 63))) & 1UL) != 0;
    }

    /// <summary>Returns a copy with bit <paramref name="index"/> flipped.</summary>
    public Hash256 FlipBit(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Bits);
        var mask = 1UL << (63 - (index & 63));
        return index switch
        {
            < 64 => this with { W0 = W0 ^ mask },
            < 128 => this with { W1 = W1 ^ mask },
            < 192 => this with { W2 = W2 ^ mask },
            _ => this with { W3 = W3 ^ mask },
        };
    }

    /// <summary>Parses exactly 64 hex digits (either case).</summary>
    /// <exception cref="FormatException">The text is not 64 hex digits; the message says why.</exception>
    public static Hash256 Parse(ReadOnlySpan<char> hex)
    {
        if (!TryParse(hex, out var hash, out var error))
        {
            throw new FormatException(error);
        }
        return hash;
    }

    /// <summary>Parses exactly 64 hex digits, reporting what is wrong instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out Hash256 hash, out string? error)
    {
        hash = default;
        if (hex.Length != 64)
        {
            error = $"a 256-bit hash has 64 hex digits, got {hex.Length} characters";
            return false;
        }
        Span<ulong> words = stackalloc ulong[4];
        for (var w = 0; w < 4; w++)
        {
            if (!ulong.TryParse(hex.Slice(w * 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[w]))
            {
                var bad = FirstNonHex(hex);
                error = $"invalid hex digit '{hex[bad]}' at position {bad + 1}";
                return false;
            }
        }
        hash = new Hash256(words[0], words[1], words[2], words[3]);
        error = null;
        return true;
    }

    /// <summary>Builds a hash from 32 bytes in the order of the hex text (big-endian words).</summary>
    public static Hash256 FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 32)
        {
            throw new ArgumentException("a 256-bit hash is 32 bytes", nameof(bytes));
        }
        return new Hash256(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>Writes the 32 bytes in the order of the hex text.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, W0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[8..], W1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[16..], W2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[24..], W3);
    }

    /// <summary>64 lowercase hex digits.</summary>
    public override string ToString() =>
        string.Create(64, this, static (span, h) =>
        {
            h.W0.TryFormat(span, out _, "x16", CultureInfo.InvariantCulture);
            h.W1.TryFormat(span[16..], out _, "x16", CultureInfo.InvariantCulture);
            h.W2.TryFormat(span[32..], out _, "x16", CultureInfo.InvariantCulture);
            h.W3.TryFormat(span[48..], out _, "x16", CultureInfo.InvariantCulture);
        });

    private static int FirstNonHex(ReadOnlySpan<char> hex)
    {
        for (var i = 0; i < hex.Length; i++)
        {
            if (!char.IsAsciiHexDigit(hex[i]))
            {
                return i;
            }
        }
        return 0;
    }
}
