using System.CommandLine;
using Vigil.Cli;
using Vigil.Ledger;

namespace Vigil.Observability;

/// <summary><c>vigil metrics token create|revoke|list</c>: the bearer tokens Prometheus scrapes <c>/metrics</c> with.</summary>
public static class MetricsCommands
{
    private const string ActorRole = "operator";

    private static string Actor => "cli:" + Environment.UserName;

    public static Command Create(TimeProvider time)
    {
        var name = new Argument<string>("name") { Description = "The scraper's name, e.g. prometheus-eu1" };
        var create = new Command("create", "Create a scrape token; printed once") { name };
        create.SetAction((parse, ct) => Run(parse, time, async (tokens, output) =>
        {
            var created = await tokens.CreateAsync(parse.GetValue(name)!, Actor, ActorRole, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, created);
                return 0;
            }
            await output.WriteLineAsync($"metrics token: {created.Name}");
            await output.WriteLineAsync($"token: {created.Token}");
            await output.WriteLineAsync("The token is shown once: store it in Prometheus' authorization.credentials_file now.");
            return 0;
        }));

        var revokeName = new Argument<string>("name") { Description = "The token's name" };
        var revoke = new Command("revoke", "Revoke a scrape token; scrapes with it get 401 from then on") { revokeName };
        revoke.SetAction((parse, ct) => Run(parse, time, async (tokens, output) =>
        {
            var name = parse.GetValue(revokeName)!;
            await output.WriteLineAsync(await tokens.RevokeAsync(name, Actor, ActorRole, ct) ? "revoked " + name.Trim() : "unchanged: already revoked");
            return 0;
        }));

        var list = new Command("list", "List scrape tokens (names and ids; secrets are never stored)");
        list.SetAction((parse, ct) => Run(parse, time, async (tokens, output) =>
        {
            var all = await tokens.ListAsync(ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, all);
                return 0;
            }
            if (all.Count == 0)
            {
                await output.WriteLineAsync("no metrics tokens; create one with: vigil metrics token create NAME");
            }
            foreach (var t in all)
            {
                await output.WriteLineAsync($"{t.Name}  id: {t.TokenId}{(t.RevokedAt is null ? "" : "  (revoked)")}");
            }
            return 0;
        }));

        var token = new Command("token", "Manage /metrics scrape tokens") { create, revoke, list };
        return new Command("metrics", "Prometheus metrics: scrape tokens for /metrics") { token };
    }

    private static Task<int> Run(ParseResult parse, TimeProvider time, Func<MetricsTokens, TextWriter, Task<int>> body) => CliContext.Guard(parse, async output =>
    {
        var store = CliContext.Store(parse);
        await using var db = await store.OpenAsync(CancellationToken.None);
        await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        try
        {
            return await body(new MetricsTokens(db, ledger, time), output);
        }
        catch (MetricsTokenException e)
        {
            throw new CliException(e.Message);
        }
    });
}
