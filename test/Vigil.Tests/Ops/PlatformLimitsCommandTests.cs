using System.Text.Json;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ops;

public sealed class PlatformLimitsCommandTests
{
    [Fact]
    public async Task Platform_limits_validates_precisely_changes_what_is_given_and_list_shows_own_limits()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("platform", "add", "chirp")).Exit);

        var (exit, output, error) = await cli.RunAsync("platform", "limits", "chirp");
        Assert.True(exit == 0, error);
        Assert.Equal("chirp  requests/s: 50 (default)  burst: 100 (default)  max body: 16777216 bytes (default)", output.Trim());

        foreach (var (args, message) in new[]
        {
            (new[] { "--requests-per-second", "0" }, "--requests-per-second must be between 1 and 100000, not 0"),
            (["--requests-per-second", "ten"], "--requests-per-second: 'ten' is not a whole number (or 'default')"),
            (["--burst", "-3"], "--burst must be between 1 and 1000000, not -3"),
            (["--max-body-bytes", "100"], "--max-body-bytes must be between 1024 and 1073741824, not 100"),
            (["--max-body-bytes", "1.5"], "--max-body-bytes: '1.5' is not a whole number (or 'default')"),
            (["--requests-per-second", "200"], "--burst (100) must be at least --requests-per-second (200)"),
        })
        {
            (exit, _, error) = await cli.RunAsync(["platform", "limits", "chirp", .. args]);
            Assert.Equal((1, "error: " + message), (exit, error.Trim()));
        }
        (exit, _, error) = await cli.RunAsync("platform", "limits", "nope", "--burst", "5");
        Assert.Equal((1, "error: no platform named 'nope'"), (exit, error.Trim()));

        (exit, output, error) = await cli.RunAsync("platform", "limits", "chirp", "--requests-per-second", "10", "--burst", "20", "--max-body-bytes", "1048576");
        Assert.True(exit == 0, error);
        Assert.Equal("chirp  requests/s: 10  burst: 20  max body: 1048576 bytes", output.Trim());
        (exit, output, _) = await cli.RunAsync("platform", "limits", "chirp", "--burst", "default", "--requests-per-second", "default");
        Assert.Equal("chirp  requests/s: 50 (default)  burst: 100 (default)  max body: 1048576 bytes", output.Trim());

        (_, output, _) = await cli.RunAsync("platform", "list");
        Assert.Matches(@"^chirp  keys: [0-9a-f]{16}  limits: requests/s: 50 \(default\)  burst: 100 \(default\)  max body: 1048576 bytes$", output.Trim());
        (_, output, _) = await cli.RunAsync("platform", "list", "--json");
        using (var doc = JsonDocument.Parse(output))
        {
            var limits = doc.RootElement[0].GetProperty("limits");
            Assert.Equal(1048576, limits.GetProperty("max_body_bytes").GetInt64());
            Assert.False(limits.TryGetProperty("burst", out _)); // null: the default
            Assert.Equal(100, limits.GetProperty("effective").GetProperty("burst").GetInt32());
        }

        await using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(cli.Data.FullName);
        var changes = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event)
            .Where(e => e.Action == "platform.limits_changed").Select(e => (e.Subject.Id, e.Reason)).ToList();
        Assert.Equal(
            [("chirp", "requests_per_second default -> 10, burst default -> 20, max_body_bytes default -> 1048576"),
             ("chirp", "requests_per_second 10 -> default, burst 20 -> default")],
            changes);
    }
}
