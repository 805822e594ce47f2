using System.Buffers;
using System.Security.Cryptography;

namespace Vigil.Ledger.Merkle;

/// <summary>RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256.</summary>
public static class Rfc6962
{
    /// <summary>Size in bytes of every hash in the tree.</summary>
    public const int HashSize = 32;

    private static readonly byte[] EmptyRootBytes = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The root of the empty tree: SHA-256 of the empty string.</summary>
    public static ReadOnlySpan<byte> EmptyRoot => EmptyRootBytes;

    /// <summary>Leaf hash: SHA-256(0x00 || entry).</summary>
    public static void HashLeaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        if (entry.Length <= 1023)
        {
            Span<byte> buffer = stackalloc byte[entry.Length + 1];
            buffer[0] = 0;
            entry.CopyTo(buffer[1..]);
            SHA256.HashData(buffer, destination);
            return;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(entry.Length + 1);
        try
        {
            rented[0] = 0;
            entry.CopyTo(rented.AsSpan(1));
            SHA256.HashData(rented.AsSpan(0, entry.Length + 1), destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Leaf hash of an entry, as a new array.</summary>
    public static byte[] HashLeaf(ReadOnlySpan<byte> entry)
    {
        var result = new byte[HashSize];
        HashLeaf(entry, result);
        return result;
    }

    /// <summary>Interior node hash: SHA-256(0x01 || left || right). The destination may alias either input.</summary>
    public static void HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>Interior node hash, as a new array.</summary>
    public static byte[] HashChildren(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[HashSize];
        HashChildren(left, right, result);
        return result;
    }

    /// <summary>
    /// Hashes <c>count</c> consecutive hashes (a power of two) up into the root of the perfect subtree they form.
    /// The input is left untouched; <paramref name="destination"/> gets the 32-byte root.
    /// </summary>
    internal static void HashPerfectRange(ReadOnlySpan<byte> hashes, int count, Span<byte> destination)
    {
        if (count == 1)
        {
            hashes[..HashSize].CopyTo(destination);
            return;
        }

        // At most one tile (256 hashes, 8 KiB) is ever reduced at once.
        Span<byte> scratch = stackalloc byte[count * HashSize];
        hashes[..(count * HashSize)].CopyTo(scratch);
        for (int width = count; width > 1; width >>= 1)
        {
            for (int i = 0; i < width / 2; i++)
            {
                HashChildren(
                    scratch.Slice(2 * i * HashSize, HashSize),
                    scratch.Slice(((2 * i) + 1) * HashSize, HashSize),
                    scratch.Slice(i * HashSize, HashSize));
            }
        }

        scratch[..HashSize].CopyTo(destination);
    }

    /// <summary>Root hash of a tree over the given leaf hashes (concatenated, 32 bytes each).</summary>
    public static byte[] RootFromLeafHashes(ReadOnlySpan<byte> leafHashes)
    {
        if (leafHashes.Length % HashSize != 0)
        {
            throw new ArgumentException("Leaf hashes must be a whole number of 32-byte hashes.", nameof(leafHashes));
        }

        var range = new CompactRange();
        for (int i = 0; i < leafHashes.Length; i += HashSize)
        {
            range.Append(leafHashes.Slice(i, HashSize));
        }

        return range.Root();
    }
}
