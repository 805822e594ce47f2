using System.Globalization;
using System.Text.Json;
using Vigil.Ledger.Merkle;

namespace Vigil.Ledger.Tests;

/// <summary>Every case under ../shared/vectors/merkle: valid ones verify, invalid ones are rejected.</summary>
public class MerkleVectorTests
{
    public static TheoryData<string> Cases(string folder)
    {
        var data = new TheoryData<string>();
        string root = Paths.SharedVectors("merkle", folder);
        foreach (string file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(root, file));
        }

        return data;
    }

    public static TheoryData<string> InclusionCases() => Cases("inclusion");

    public static TheoryData<string> ConsistencyCases() => Cases("consistency");

    public static TheoryData<string> SubtreeInclusionCases() => Cases("subtreeinclusion");

    public static TheoryData<string> SubtreeConsistencyCases() => Cases("subtreeconsistency");

    [Fact]
    public void Vectors_AreAllPresent()
    {
        int total = InclusionCases().Count + ConsistencyCases().Count + SubtreeInclusionCases().Count + SubtreeConsistencyCases().Count;
        Assert.Equal(518, total);
    }

    [Theory]
    [MemberData(nameof(InclusionCases))]
    public void Inclusion_MatchesVector(string file)
    {
        using JsonDocument doc = Load("inclusion", file);
        JsonElement c = doc.RootElement;
        ProofCheck check = MerkleVerifier.VerifyInclusion(
            c.GetProperty("leafIdx").GetUInt64(), c.GetProperty("treeSize").GetUInt64(),
            Bytes(c, "leafHash"), Proof(c), Bytes(c, "root"));
        AssertOutcome(c, check);
    }

    [Theory]
    [MemberData(nameof(ConsistencyCases))]
    public void Consistency_MatchesVector(string file)
    {
        using JsonDocument doc = Load("consistency", file);
        JsonElement c = doc.RootElement;
        ProofCheck check = MerkleVerifier.VerifyConsistency(
            c.GetProperty("size1").GetUInt64(), c.GetProperty("size2").GetUInt64(),
            Proof(c), Bytes(c, "root1"), Bytes(c, "root2"));
        AssertOutcome(c, check);
    }

    [Theory]
    [MemberData(nameof(SubtreeInclusionCases))]
    public void SubtreeInclusion_MatchesVector(string file)
    {
        using JsonDocument doc = Load("subtreeinclusion", file);
        JsonElement c = doc.RootElement;
        ProofCheck check = MerkleVerifier.VerifySubtreeInclusion(
            c.GetProperty("leafIdx").GetUInt64(), c.GetProperty("start").GetUInt64(), c.GetProperty("end").GetUInt64(),
            Bytes(c, "leafHash"), Proof(c), Bytes(c, "root"));
        AssertOutcome(c, check);
    }

    [Theory]
    [MemberData(nameof(SubtreeConsistencyCases))]
    public void SubtreeConsistency_MatchesVector(string file)
    {
        using JsonDocument doc = Load("subtreeconsistency", file);
        JsonElement c = doc.RootElement;
        ProofCheck check = MerkleVerifier.VerifySubtreeConsistency(
            c.GetProperty("start").GetUInt64(), c.GetProperty("end").GetUInt64(), c.GetProperty("size").GetUInt64(),
            Proof(c), Bytes(c, "root1"), Bytes(c, "root2"));
        AssertOutcome(c, check);
    }

    [Fact]
    public void Roots_MatchRootsTsv_ForEveryPrefix()
    {
        string[] lines = File.ReadAllLines(Paths.SharedVectors("merkle", "roots.tsv"));
        var range = new CompactRange();
        var leaves = new List<byte[]>();
        int checkedRows = 0;
        foreach (string line in lines.Skip(1))
        {
            string[] cols = line.Split('\t');
            int size = int.Parse(cols[0], CultureInfo.InvariantCulture);
            if (size > 0)
            {
                byte[] leaf = Rfc6962.HashLeaf(Convert.FromHexString(cols[1]));
                range.Append(leaf);
                leaves.Add(leaf);
            }

            byte[] want = Convert.FromHexString(cols[2]);
            Assert.Equal(want, range.Root());
            MemoryTiles tiles = MemoryTiles.Build(leaves, out TreeEdge edge);
            Assert.Equal(want, edge.Root());
            Assert.Equal(want, new MerkleProver(tiles).Root(size));
            checkedRows++;
        }

        Assert.Equal(9, checkedRows);
    }

    [Fact]
    public void Prover_ReproducesEveryValidVectorProofOverTheRootsTsvTree()
    {
        // The vectors' trees are the roots.tsv tree; proofs the prover builds must equal the published ones.
        string[] lines = File.ReadAllLines(Paths.SharedVectors("merkle", "roots.tsv"));
        List<byte[]> leaves = lines.Skip(2).Select(l => Rfc6962.HashLeaf(Convert.FromHexString(l.Split('\t')[1]))).ToList();
        MemoryTiles tiles = MemoryTiles.Build(leaves, out _);
        var prover = new MerkleProver(tiles);
        int compared = 0;
        foreach (string file in Directory.EnumerateFiles(Paths.SharedVectors("merkle", "inclusion"), "happy-path.json", SearchOption.AllDirectories))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            JsonElement c = doc.RootElement;
            long size = c.GetProperty("treeSize").GetInt64();
            long index = c.GetProperty("leafIdx").GetInt64();
            if (size > leaves.Count || !prover.Root(size).AsSpan().SequenceEqual(Bytes(c, "root")))
            {
                continue;
            }

            Assert.Equal(Proof(c), prover.InclusionProof(index, size));
            compared++;
        }

        foreach (string file in Directory.EnumerateFiles(Paths.SharedVectors("merkle", "consistency"), "happy-path.json", SearchOption.AllDirectories))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            JsonElement c = doc.RootElement;
            long size1 = c.GetProperty("size1").GetInt64();
            long size2 = c.GetProperty("size2").GetInt64();
            if (size2 > leaves.Count || size1 == 0 || !prover.Root(size2).AsSpan().SequenceEqual(Bytes(c, "root2")))
            {
                continue;
            }

            Assert.Equal(Proof(c), prover.ConsistencyProof(size1, size2));
            compared++;
        }

        Assert.True(compared >= 4, $"only {compared} happy-path vectors were over the roots.tsv tree");
    }

    private static JsonDocument Load(string folder, string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Paths.SharedVectors("merkle", folder), file)));

    private static byte[] Bytes(JsonElement c, string name) => Convert.FromBase64String(c.GetProperty(name).GetString() ?? "");

    private static List<byte[]> Proof(JsonElement c)
    {
        JsonElement proof = c.GetProperty("proof");
        return proof.ValueKind == JsonValueKind.Null
            ? []
            : proof.EnumerateArray().Select(p => Convert.FromBase64String(p.GetString() ?? "")).ToList();
    }

    private static void AssertOutcome(JsonElement c, ProofCheck check)
    {
        bool wantErr = c.GetProperty("wantErr").GetBoolean();
        string desc = c.GetProperty("desc").GetString() ?? "";
        if (wantErr)
        {
            Assert.False(check.IsValid, $"'{desc}' should be rejected");
            Assert.False(string.IsNullOrEmpty(check.Error));
        }
        else
        {
            Assert.True(check.IsValid, $"'{desc}' should verify: {check.Error}");
        }
    }
}
