using System.Numerics;

namespace Vigil.Ledger.Merkle;

/// <summary>Outcome of checking a proof: valid, or the precise reason it is not.</summary>
public readonly record struct ProofCheck(bool IsValid, string? Error)
{
    /// <summary>A proof that verified.</summary>
    public static ProofCheck Valid => new(true, null);

    /// <summary>A proof that did not verify, with the reason.</summary>
    public static ProofCheck Invalid(string error) => new(false, error);
}

/// <summary>
/// Verifies RFC 9162 inclusion and consistency proofs, and the subtree inclusion and subtree consistency
/// proofs of the Merkle Tree Certificates draft. Proof hashes are ordered from the leaves up.
/// </summary>
public static class MerkleVerifier
{
    private const int H = Rfc6962.HashSize;

    /// <summary>Checks that <paramref name="leafHash"/> is leaf <paramref name="index"/> of the tree of <paramref name="size"/> leaves with root <paramref name="root"/>.</summary>
    public static ProofCheck VerifyInclusion(ulong index, ulong size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        Span<byte> computed = stackalloc byte[H];
        string? error = RootFromInclusionProof(index, size, leafHash, proof, 0, computed);
        return error is not null ? ProofCheck.Invalid(error) : Match(computed, root, "root");
    }

    /// <summary>Checks that the tree of <paramref name="size2"/> leaves (root2) extends the tree of <paramref name="size1"/> leaves (root1).</summary>
    public static ProofCheck VerifyConsistency(ulong size1, ulong size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        if (size2 < size1)
        {
            return ProofCheck.Invalid($"size1 ({size1}) is greater than size2 ({size2})");
        }

        if (size1 == 0)
        {
            return ProofCheck.Invalid("a consistency proof from the empty tree proves nothing");
        }

        return VerifySubtreeConsistency(0, size1, size2, proof, root1, root2);
    }

    /// <summary>Checks that leaf <paramref name="index"/> is in the subtree [start, end) whose hash is <paramref name="subtreeRoot"/>.</summary>
    public static ProofCheck VerifySubtreeInclusion(ulong index, ulong start, ulong end, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> subtreeRoot)
    {
        if (SubtreeError(start, end) is { } invalid)
        {
            return ProofCheck.Invalid(invalid);
        }

        if (index < start || index >= end)
        {
            return ProofCheck.Invalid($"index {index} is outside the subtree [{start}, {end})");
        }

        return VerifyInclusion(index - start, end - start, leafHash, proof, subtreeRoot);
    }

    /// <summary>Checks that the subtree [start, end) with hash <paramref name="subtreeRoot"/> is part of the tree of <paramref name="size"/> leaves with root <paramref name="root"/>.</summary>
    public static ProofCheck VerifySubtreeConsistency(ulong start, ulong end, ulong size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> subtreeRoot, ReadOnlySpan<byte> root)
    {
        if (start == end)
        {
            // The empty subtree is part of every tree; its hash is the empty-tree hash and it needs no proof.
            if (end > size)
            {
                return ProofCheck.Invalid($"subtree end ({end}) is beyond the tree size ({size})");
            }

            if (proof.Count != 0)
            {
                return ProofCheck.Invalid("the subtree is empty but the proof is not");
            }

            return Match(subtreeRoot, Rfc6962.EmptyRoot, "empty subtree hash");
        }

        if (SubtreeError(start, end) is { } invalid)
        {
            return ProofCheck.Invalid(invalid);
        }

        if (size < end)
        {
            return ProofCheck.Invalid($"subtree end ({end}) is beyond the tree size ({size})");
        }

        if (start == 0 && end == size)
        {
            return proof.Count != 0
                ? ProofCheck.Invalid("the subtree is the whole tree but the proof is not empty")
                : Match(subtreeRoot, root, "root");
        }

        if (proof.Count == 0)
        {
            return ProofCheck.Invalid("the proof is empty");
        }

        if (ProofHashError(proof) is { } badHash)
        {
            return ProofCheck.Invalid(badHash);
        }

        if (subtreeRoot.Length != H)
        {
            return ProofCheck.Invalid($"the subtree hash is {subtreeRoot.Length} bytes, want {H}");
        }

        Span<byte> computed = stackalloc byte[H];
        int height = BitLength((end - 1) ^ start);

        if (end == size)
        {
            // The subtree sits on the right border: one left sibling per level where its ancestor is a right child.
            int want = BitOperations.PopCount(start >> height);
            if (proof.Count != want)
            {
                return ProofCheck.Invalid($"the proof has {proof.Count} hashes, want {want}");
            }

            subtreeRoot.CopyTo(computed);
            foreach (byte[] sibling in proof)
            {
                Rfc6962.HashChildren(sibling, computed, computed);
            }

            return Match(computed, root, "root");
        }

        int forkLevel = BitLength((end - 1) ^ (size - 1));
        int shift = BitOperations.TrailingZeroCount(end - start);
        bool perfect = (end - start) == 1UL << shift;
        int first = perfect ? 0 : 1;

        int chained = 0;
        for (int level = shift; level < height; level++)
        {
            if ((((end - 1) >> level) & 1) == 1 || level < forkLevel)
            {
                chained++;
            }
        }

        ulong grownIndex = start >> height;
        ulong grownSize = ((size - 1) >> height) + 1;
        int inclusion = InclusionProofLength(grownIndex, grownSize);
        int expected = first + chained + inclusion;
        if (proof.Count != expected)
        {
            return ProofCheck.Invalid($"the proof has {proof.Count} hashes, want {expected}");
        }

        // Rebuild the subtree hash (only left siblings) and the grown node that contains it in the bigger tree.
        Span<byte> old = stackalloc byte[H];
        Span<byte> grown = stackalloc byte[H];
        ReadOnlySpan<byte> seed = perfect ? subtreeRoot : proof[0];
        seed.CopyTo(old);
        seed.CopyTo(grown);
        int next = first;
        for (int level = shift; level < height; level++)
        {
            if ((((end - 1) >> level) & 1) == 1)
            {
                Rfc6962.HashChildren(proof[next], old, old);
                Rfc6962.HashChildren(proof[next], grown, grown);
                next++;
            }
            else if (level < forkLevel)
            {
                Rfc6962.HashChildren(grown, proof[next], grown);
                next++;
            }
        }

        ProofCheck subtree = Match(old, subtreeRoot, "subtree hash");
        if (!subtree.IsValid)
        {
            return subtree;
        }

        string? error = RootFromInclusionProof(grownIndex, grownSize, grown, proof, next, computed);
        return error is not null ? ProofCheck.Invalid(error) : Match(computed, root, "root");
    }

    /// <summary>Length of the inclusion proof of leaf <paramref name="index"/> in a tree of <paramref name="size"/> leaves.</summary>
    public static int InclusionProofLength(ulong index, ulong size)
    {
        int inner = BitLength(index ^ (size - 1));
        return inner + BitOperations.PopCount(index >> inner);
    }

    private static string? RootFromInclusionProof(ulong index, ulong size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, int offset, Span<byte> destination)
    {
        if (index >= size)
        {
            return $"index {index} is not below the tree size {size}";
        }

        if (leafHash.Length != H)
        {
            return $"the leaf hash is {leafHash.Length} bytes, want {H}";
        }

        int inner = BitLength(index ^ (size - 1));
        int border = BitOperations.PopCount(index >> inner);
        int count = proof.Count - offset;
        if (count != inner + border)
        {
            return $"the proof has {count} hashes, want {inner + border}";
        }

        for (int i = offset; i < proof.Count; i++)
        {
            if (proof[i] is null || proof[i].Length != H)
            {
                return $"proof[{i}] is {proof[i]?.Length ?? 0} bytes, want {H}";
            }
        }

        leafHash.CopyTo(destination);
        for (int i = 0; i < inner; i++)
        {
            byte[] sibling = proof[offset + i];
            if (((index >> i) & 1) == 0)
            {
                Rfc6962.HashChildren(destination, sibling, destination);
            }
            else
            {
                Rfc6962.HashChildren(sibling, destination, destination);
            }
        }

        for (int i = inner; i < count; i++)
        {
            Rfc6962.HashChildren(proof[offset + i], destination, destination);
        }

        return null;
    }

    private static string? ProofHashError(IReadOnlyList<byte[]> proof)
    {
        for (int i = 0; i < proof.Count; i++)
        {
            if (proof[i] is null || proof[i].Length != H)
            {
                return $"proof[{i}] is {proof[i]?.Length ?? 0} bytes, want {H}";
            }
        }

        return null;
    }

    /// <summary>A subtree [start, end) is valid when it is non-empty and start is a multiple of the smallest power of two ≥ its size.</summary>
    private static string? SubtreeError(ulong start, ulong end)
    {
        if (start >= end)
        {
            return $"the subtree [{start}, {end}) is empty or reversed";
        }

        ulong width = end - start;
        if (width > 1UL << 63)
        {
            return start == 0 ? null : $"the subtree [{start}, {end}) is not aligned";
        }

        ulong alignment = BitOperations.RoundUpToPowerOf2(width);
        return start % alignment == 0 ? null : $"the subtree [{start}, {end}) is not aligned to {alignment}";
    }

    private static int BitLength(ulong value) => 64 - BitOperations.LeadingZeroCount(value);

    private static ProofCheck Match(ReadOnlySpan<byte> computed, ReadOnlySpan<byte> expected, string what) =>
        computed.SequenceEqual(expected)
            ? ProofCheck.Valid
            : ProofCheck.Invalid($"the computed {what} does not match the expected {what}");
}
