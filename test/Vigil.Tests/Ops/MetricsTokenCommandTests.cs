using System.Text.RegularExpressions;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ops;

public sealed partial class MetricsTokenCommandTests
{
    [Fact]
    public async Task Metrics_token_create_prints_it_once_list_shows_names_and_revoke_is_recorded()
    {
        using var cli = new CliRunner();
        var (exit, output, error) = await cli.RunAsync("metrics", "token", "create", "prometheus");
        Assert.True(exit == 0, error);
        var token = TokenLine().Match(output);
        Assert.True(token.Success, output);

        (exit, _, error) = await cli.RunAsync("metrics", "token", "create", "prometheus");
        Assert.Equal((1, "error: a metrics token named 'prometheus' exists; revoke it first to replace it"), (exit, error.Trim()));
        (exit, _, error) = await cli.RunAsync("metrics", "token", "create", " ");
        Assert.Equal((1, "error: a metrics token name is 1 to 200 printable characters"), (exit, error.Trim()));

        (_, output, _) = await cli.RunAsync("metrics", "token", "list");
        Assert.Equal($"prometheus  id: {token.Groups[1].Value}", output.Trim());
        Assert.DoesNotContain(token.Groups[2].Value, output, StringComparison.Ordinal);

        Assert.Equal((0, "revoked prometheus"), ((await cli.RunAsync("metrics", "token", "revoke", "prometheus")) is var r ? (r.Exit, r.Out.Trim()) : default));
        Assert.Equal("unchanged: already revoked", (await cli.RunAsync("metrics", "token", "revoke", "prometheus")).Out.Trim());
        Assert.Equal("error: no metrics token named 'grafana'", (await cli.RunAsync("metrics", "token", "revoke", "grafana")).Err.Trim());
        (_, output, _) = await cli.RunAsync("metrics", "token", "list");
        Assert.Equal($"prometheus  id: {token.Groups[1].Value}  (revoked)", output.Trim());

        // A revoked name can be issued again, with a new id and secret.
        (exit, output, _) = await cli.RunAsync("metrics", "token", "create", "prometheus");
        var again = TokenLine().Match(output);
        Assert.True(exit == 0 && again.Success, output);
        Assert.NotEqual(token.Groups[1].Value, again.Groups[1].Value);

        await using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(cli.Data.FullName);
        var events = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event).Select(e => (e.Action, e.Subject.Id, e.Reason)).ToList();
        Assert.Equal(
            [("metrics.token_created", "prometheus", "token " + token.Groups[1].Value),
             ("metrics.token_revoked", "prometheus", "token " + token.Groups[1].Value),
             ("metrics.token_created", "prometheus", "token " + again.Groups[1].Value)],
            events);
    }

    [GeneratedRegex(@"^token: vmt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex TokenLine();
}
