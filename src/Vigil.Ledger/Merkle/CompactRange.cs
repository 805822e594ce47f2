using System.Numerics;

namespace Vigil.Ledger.Merkle;

/// <summary>
/// The right edge of a growing tree: one perfect-subtree hash per set bit of the size, so appending a
/// leaf costs O(1) amortised hashes and the root costs O(log n), with no per-leaf allocation.
/// </summary>
public sealed class CompactRange
{
    private readonly byte[] _stack = new byte[64 * Rfc6962.HashSize];
    private int _depth;

    /// <summary>Number of leaves appended so far.</summary>
    public long Size { get; private set; }

    /// <summary>Appends one leaf hash.</summary>
    public void Append(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != Rfc6962.HashSize)
        {
            throw new ArgumentException("A leaf hash is 32 bytes.", nameof(leafHash));
        }

        leafHash.CopyTo(_stack.AsSpan(_depth * Rfc6962.HashSize, Rfc6962.HashSize));
        _depth++;

        // Each trailing one-bit of the old size is a perfect subtree that the new leaf completes.
        for (long merges = BitOperations.TrailingZeroCount(~Size); merges > 0; merges--)
        {
            Span<byte> right = _stack.AsSpan((_depth - 1) * Rfc6962.HashSize, Rfc6962.HashSize);
            Span<byte> left = _stack.AsSpan((_depth - 2) * Rfc6962.HashSize, Rfc6962.HashSize);
            Rfc6962.HashChildren(left, right, left);
            _depth--;
        }

        Size++;
    }

    /// <summary>Writes the root of the tree of <see cref="Size"/> leaves.</summary>
    public void Root(Span<byte> destination)
    {
        if (_depth == 0)
        {
            Rfc6962.EmptyRoot.CopyTo(destination);
            return;
        }

        Span<byte> acc = stackalloc byte[Rfc6962.HashSize];
        _stack.AsSpan((_depth - 1) * Rfc6962.HashSize, Rfc6962.HashSize).CopyTo(acc);
        for (int i = _depth - 2; i >= 0; i--)
        {
            Rfc6962.HashChildren(_stack.AsSpan(i * Rfc6962.HashSize, Rfc6962.HashSize), acc, acc);
        }

        acc.CopyTo(destination);
    }

    /// <summary>The root of the tree of <see cref="Size"/> leaves, as a new array.</summary>
    public byte[] Root()
    {
        var root = new byte[Rfc6962.HashSize];
        Root(root);
        return root;
    }
}
