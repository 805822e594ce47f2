using System.CommandLine;
using System.Text.Json;
using Vigil.Cli;
using Vigil.Tests.Support;

namespace Vigil.Tests.Cli;

public class CliTests : IDisposable
{
    private const string Md5 = "d41d8cd98f00b204e9800998ecf8427e";
    private readonly CliRunner cli = new();

    public void Dispose() => cli.Dispose();

    private static IEnumerable<Command> AllCommands(Command c) => new[] { c }.Concat(c.Subcommands.SelectMany(AllCommands));

    [Fact]
    public async Task EveryCommand_HasHelp()
    {
        var root = VigilCommand.Create(TimeProvider.System);
        foreach (var command in AllCommands(root))
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"'{command.Name}' has no description");
            var path = new List<string>();
            for (Command? c = command; c is not null && c != root; c = root.Subcommands.Concat(root.Subcommands.SelectMany(AllCommands)).FirstOrDefault(p => p.Subcommands.Contains(c)))
            {
                path.Insert(0, c.Name);
            }
            var (exit, output, _) = await cli.RunAsync([.. path, "--help"]);
            Assert.Equal(0, exit);
            Assert.Contains("Usage:", output, StringComparison.Ordinal);
            Assert.Contains("--data", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hash_ReportsEachBadFile_AndStillHashesTheOthers()
    {
        var good = Path.Combine(Repo.Shared("vectors", "pdq", "files"), "bridge-1-original.jpg");
        var empty = cli.WriteFile("empty.jpg", []);
        var text = cli.WriteFile("notes.txt", "not an image");
        var truncated = cli.WriteFile("truncated.jpg", File.ReadAllBytes(good)[..400]);
        var (exit, output, error) = await cli.RunAsync("hash", empty, good, text, truncated, "/nonexistent/file.jpg", "--json");
        Assert.Equal(1, exit);
        using var json = JsonDocument.Parse(output);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(5, rows.Count);
        Assert.Equal(100, rows[1].GetProperty("quality").GetInt32());
        Assert.Equal(64, rows[1].GetProperty("pdq").GetString()!.Length);
        Assert.Contains("zero bytes", rows[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("not an image", rows[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(rows[3].TryGetProperty("pdq", out _));
        Assert.False(rows[4].TryGetProperty("md5", out _));
        Assert.Equal("", error);
    }

    [Fact]
    public async Task BankImport_RejectsBadFileWithLineNumber_AndImportsNothingFromIt()
    {
        Assert.Equal(0, (await cli.RunAsync("bank", "create", "gifct")).Exit);
        var good = cli.WriteFile("good.txt", $"md5 {Md5}\n");
        var bad = cli.WriteFile("bad.txt", "pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\nsha256 1234\n");
        var (exit, _, error) = await cli.RunAsync("bank", "import", "gifct", good, bad);
        Assert.Equal(1, exit);
        Assert.Contains("bad.txt:2: field 'signal'", error, StringComparison.Ordinal);
        var (_, list, _) = await cli.RunAsync("bank", "list", "--json");
        using var json = JsonDocument.Parse(list);
        Assert.Equal(1, json.RootElement[0].GetProperty("active_entries").GetInt32());
    }

    [Fact]
    public async Task BankAdd_ThenMatch_FindsAlteredCopy_WithLabelsAndDistance()
    {
        var files = Repo.Shared("vectors", "pdq", "files");
        await cli.RunAsync("bank", "create", "gifct");
        var (addExit, addOut, _) = await cli.RunAsync("bank", "add", "gifct", Path.Combine(files, "bridge-1-original.jpg"), "--entity", "Example Front", "--severity", "4");
        Assert.Equal(0, addExit);
        Assert.Contains("3 signals added", addOut, StringComparison.Ordinal);

        var (exit, output, _) = await cli.RunAsync("match", Path.Combine(files, "blur-a-lot.jpg"), "md5:" + Md5, "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var first = json.RootElement[0];
        Assert.True(first.GetProperty("matched").GetBoolean());
        var hit = first.GetProperty("matches")[0];
        Assert.Equal("gifct", hit.GetProperty("bank").GetString());
        Assert.Equal("Example Front", hit.GetProperty("labels").GetProperty("entity").GetString());
        Assert.InRange(hit.GetProperty("distance").GetInt32(), 0, 31);
        Assert.False(json.RootElement[1].GetProperty("matched").GetBoolean());
    }

    [Fact]
    public async Task Match_RejectsInputThatIsNeitherFileNorSignal()
    {
        var (exit, _, error) = await cli.RunAsync("match", "pdq:1234", "not-a-hash");
        Assert.Equal(1, exit);
        Assert.Contains("pdq: expected 64 hex digits", error, StringComparison.Ordinal);
        Assert.Contains("'not-a-hash' is neither a file nor a signal", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BankExport_RoundTripsThroughImport_InEveryFormat()
    {
        await cli.RunAsync("bank", "create", "src");
        await cli.RunAsync("bank", "add", "src", Path.Combine(Repo.Shared("vectors", "pdq", "files"), "bridge-1-original.jpg"), "--ideology", "far-right");
        foreach (var format in new[] { "signals", "tat", "gifct", "csv" })
        {
            var file = Path.Combine(cli.Data.FullName, "export." + (format is "tat" or "gifct" ? "json" : format == "csv" ? "csv" : "txt"));
            Assert.Equal(0, (await cli.RunAsync("bank", "export", "src", "--format", format, "-o", file)).Exit);
            await cli.RunAsync("bank", "create", "copy-" + format);
            var (exit, output, error) = await cli.RunAsync("bank", "import", "copy-" + format, file, "--format", format);
            Assert.True(exit == 0, error);
            Assert.Contains("3 added", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Demo_RunsTheWholeStory_AndExitsZeroOnlyWhenEveryCheckPassed()
    {
        var (exit, output, error) = await cli.RunAsync("demo", "--no-serve");
        Assert.True(exit == 0, output + error);
        Assert.Contains("demo: all", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", output, StringComparison.Ordinal);
    }
}
