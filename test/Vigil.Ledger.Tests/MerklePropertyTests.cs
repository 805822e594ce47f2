using System.Security.Cryptography;
using CsCheck;
using Vigil.Ledger.Merkle;

namespace Vigil.Ledger.Tests;

/// <summary>Random trees: every proof the prover builds verifies, and any flipped bit makes it fail.</summary>
public class MerklePropertyTests
{
    private static (MemoryTiles Tiles, List<byte[]> Leaves) Tree(int size, int seed)
    {
        var leaves = new List<byte[]>(size);
        for (int i = 0; i < size; i++)
        {
            leaves.Add(Rfc6962.HashLeaf(SHA256.HashData(BitConverter.GetBytes((long)seed * 1_000_003 + i))));
        }

        return (MemoryTiles.Build(leaves, out _), leaves);
    }

    private static readonly Gen<(int Size, int Seed, double A, double B)> Trees =
        Gen.Select(Gen.Int[1, 1300], Gen.Int, Gen.Double[0, 1], Gen.Double[0, 1]);

    [Fact]
    public void InclusionProofs_VerifyAndFailOnAnyFlippedBit()
    {
        Trees.Sample(t =>
        {
            var (tiles, leaves) = Tree(t.Size, t.Seed);
            var prover = new MerkleProver(tiles);
            long index = (long)(t.A * (t.Size - 1));
            byte[] root = prover.Root(t.Size);
            Assert.Equal(Rfc6962.RootFromLeafHashes(leaves.SelectMany(l => l).ToArray()), root);
            List<byte[]> proof = prover.InclusionProof(index, t.Size);
            Assert.True(MerkleVerifier.VerifyInclusion((ulong)index, (ulong)t.Size, leaves[(int)index], proof, root).IsValid);

            int bit = (int)(t.B * ((proof.Count + 2) * 256 - 1));
            int element = bit / 256;
            byte[] leaf = (byte[])leaves[(int)index].Clone();
            byte[] badRoot = (byte[])root.Clone();
            List<byte[]> badProof = proof.Select(p => (byte[])p.Clone()).ToList();
            byte[] target = element < proof.Count ? badProof[element] : element == proof.Count ? leaf : badRoot;
            target[bit % 256 / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(MerkleVerifier.VerifyInclusion((ulong)index, (ulong)t.Size, leaf, badProof, badRoot).IsValid);
        }, iter: 150);
    }

    [Fact]
    public void ConsistencyProofs_VerifyAndFailOnAnyFlippedBit()
    {
        Trees.Sample(t =>
        {
            var (tiles, _) = Tree(t.Size, t.Seed);
            var prover = new MerkleProver(tiles);
            long size1 = 1 + (long)(t.A * (t.Size - 1));
            byte[] root1 = prover.Root(size1);
            byte[] root2 = prover.Root(t.Size);
            List<byte[]> proof = prover.ConsistencyProof(size1, t.Size);
            Assert.True(MerkleVerifier.VerifyConsistency((ulong)size1, (ulong)t.Size, proof, root1, root2).IsValid);
            if (size1 == t.Size)
            {
                return;
            }

            int bit = (int)(t.B * ((proof.Count + 2) * 256 - 1));
            int element = bit / 256;
            List<byte[]> badProof = proof.Select(p => (byte[])p.Clone()).ToList();
            byte[] bad1 = (byte[])root1.Clone();
            byte[] bad2 = (byte[])root2.Clone();
            byte[] target = element < proof.Count ? badProof[element] : element == proof.Count ? bad1 : bad2;
            target[bit % 256 / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(MerkleVerifier.VerifyConsistency((ulong)size1, (ulong)t.Size, badProof, bad1, bad2).IsValid);
        }, iter: 150);
    }

    [Fact]
    public void InclusionProofs_FailForTheWrongIndexOrLeaf()
    {
        Trees.Sample(t =>
        {
            if (t.Size < 2)
            {
                return;
            }

            var (tiles, leaves) = Tree(t.Size, t.Seed);
            var prover = new MerkleProver(tiles);
            long index = (long)(t.A * (t.Size - 2));
            byte[] root = prover.Root(t.Size);
            List<byte[]> proof = prover.InclusionProof(index, t.Size);
            Assert.False(MerkleVerifier.VerifyInclusion((ulong)index + 1, (ulong)t.Size, leaves[(int)index], proof, root).IsValid);
            Assert.False(MerkleVerifier.VerifyInclusion((ulong)index, (ulong)t.Size, leaves[(int)index + 1], proof, root).IsValid);
        }, iter: 100);
    }

    [Fact]
    public void TreeEdge_RestoredFromStoredTiles_ContinuesTheSameTree()
    {
        Gen.Select(Gen.Int[0, 1300], Gen.Int[0, 700]).Sample(t =>
        {
            var (tiles, leaves) = Tree(t.Item1 + t.Item2, 7);
            var first = new TreeEdge();
            var stored = new MemoryTiles();
            for (int i = 0; i < t.Item1; i++)
            {
                first.Append(leaves[i]);
            }

            stored.Apply(first.TakeChangedTiles());
            TreeEdge restored = TreeEdge.Restore(t.Item1, stored);
            for (int i = t.Item1; i < leaves.Count; i++)
            {
                restored.Append(leaves[i]);
            }

            stored.Apply(restored.TakeChangedTiles());
            Assert.Equal(new MerkleProver(tiles).Root(leaves.Count), restored.Root());
            Assert.Equal(tiles.Count, stored.Count);
            foreach (TileWrite tile in tiles.All())
            {
                TileData read = stored.ReadTile(tile.Level, tile.Index, tile.Width);
                Assert.Equal(tile.Hashes, read.Hashes);
                Assert.Equal(tile.Interior, read.Interior);
            }
        }, iter: 60);
    }
}
