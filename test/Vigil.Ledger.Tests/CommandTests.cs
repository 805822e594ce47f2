using System.CommandLine;
using System.Text.Json;
using Vigil.Ledger.Merkle;
using Vigil.Ledger.Notes;

namespace Vigil.Ledger.Tests;

/// <summary>The 'vigil ledger' commands, run through System.CommandLine with captured output.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private (int Code, string Output, string Error) Run(params string[] args)
    {
        // The real `vigil` command line, so the ledger commands run with the shared --data and --json.
        var root = Vigil.Cli.VigilCommand.Create(TimeProvider.System);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = root.Parse(["ledger", .. args, "--data", _dir.Path]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    private void Append(int i) =>
        Assert.Equal(0, Run("append", "--actor", "alice", "--role", "analyst", "--action", "content.view", "--subject-type", "case",
            "--subject-id", $"c{i}", "--reason", $"triage {i}").Code);

    [Fact]
    public void Append_PrintsTheIndex_AndShowPrintsTheCanonicalEntry()
    {
        var (code, output, _) = Run("append", "--actor", "alice", "--role", "analyst", "--action", "content.view", "--subject-type", "case",
            "--subject-id", "c1", "--reason", "triage", "--payload-sha256", new string('a', 64), "--json");
        Assert.Equal(0, code);
        Assert.Equal(0, JsonDocument.Parse(output).RootElement.GetProperty("index").GetInt64());
        string shown = Run("show", "--index", "0").Output;
        Assert.StartsWith("{\"action\":\"content.view\",\"actor\":\"alice\",\"payloadSha256\":\"" + new string('a', 64) + "\"", shown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--actor", "", "actor")]
    [InlineData("--payload-sha256", "abc", "--payload-sha256")]
    public void Append_RejectsBadInput_WithExitCode2AndTheFieldNamed(string option, string value, string named)
    {
        var args = new List<string> { "append", "--actor", "a", "--role", "r", "--action", "x", "--subject-type", "t", "--subject-id", "i", "--reason", "w" };
        int at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, _, error) = Run([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ProveJson_VerifiesAgainstTheCheckpointAndKeyPrinted()
    {
        for (int i = 0; i < 7; i++)
        {
            Append(i);
        }

        string note = Run("checkpoint").Output;
        NoteVerifier verifier = NoteVerifier.Parse(Run("key").Output.Trim());
        Checkpoint checkpoint = SignedCheckpoint.Parse(note, verifier).Checkpoint;
        using JsonDocument proof = JsonDocument.Parse(Run("prove", "--index", "5", "--json").Output);
        JsonElement p = proof.RootElement;
        Assert.Equal(7, p.GetProperty("treeSize").GetInt64());
        Assert.Equal(note, p.GetProperty("checkpoint").GetString());
        List<byte[]> hashes = p.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        byte[] leaf = Rfc6962.HashLeaf(System.Text.Encoding.UTF8.GetBytes(Run("show", "--index", "5").Output.TrimEnd('\n')));
        Assert.Equal(Convert.ToBase64String(leaf), p.GetProperty("leafHash").GetString());
        Assert.True(MerkleVerifier.VerifyInclusion(5, 7, leaf, hashes, checkpoint.Root).IsValid);

        // The text form is a c2sp.org/tlog-proof: header, index, hashes, blank line, the signed checkpoint.
        string text = Run("prove", "--index", "5").Output;
        Assert.StartsWith("c2sp.org/tlog-proof@v1\nindex 5\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n\n" + note, text, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsistencyJson_Verifies()
    {
        for (int i = 0; i < 3; i++)
        {
            Append(i);
        }

        Run("checkpoint");
        for (int i = 3; i < 9; i++)
        {
            Append(i);
        }

        using JsonDocument doc = JsonDocument.Parse(Run("consistency", "--from", "3", "--json").Output);
        JsonElement c = doc.RootElement;
        List<byte[]> hashes = c.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        Assert.True(MerkleVerifier.VerifyConsistency(3, 9, hashes,
            Convert.FromBase64String(c.GetProperty("root1").GetString()!), Convert.FromBase64String(c.GetProperty("root2").GetString()!)).IsValid);
    }

    [Fact]
    public void Verify_ExitsZeroWhenIntact_AndVerifiesAnExportedMirror()
    {
        for (int i = 0; i < 4; i++)
        {
            Append(i);
        }

        string older = Path.Combine(_dir.Path, "older-checkpoint");
        File.WriteAllText(older, Run("checkpoint").Output);
        Append(4);
        string mirror = Path.Combine(_dir.Path, "mirror");
        Assert.Equal(0, Run("export", "--to", mirror).Code);
        var (code, output, _) = Run("verify", "--json");
        Assert.Equal(0, code);
        Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("valid").GetBoolean());
        var (tilesCode, tilesOutput, _) = Run("verify", "--tiles", mirror, "--since", older);
        Assert.Equal(0, tilesCode);
        Assert.StartsWith("OK: 5 entries", tilesOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Prove_OutOfRange_ExitsWith2AndSaysWhy()
    {
        Append(0);
        var (code, _, error) = Run("prove", "--index", "9");
        Assert.Equal(2, code);
        Assert.Contains("Entry 9 is not in the tree of size 1", error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
