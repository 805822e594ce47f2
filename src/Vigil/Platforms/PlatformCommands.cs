using System.CommandLine;
using Vigil.Cli;
using Vigil.Ledger;
using Vigil.Webhooks;

namespace Vigil.Platforms;

/// <summary><c>vigil platform ...</c>: register platforms, issue and revoke their API keys (recorded in the ledger).</summary>
public static class PlatformCommands
{
    private static readonly Argument<string> Name = new("name") { Description = "The platform's name" };

    private static string Actor => "cli:" + Environment.UserName;

    private const string ActorRole = "operator";

    public static Command Create(TimeProvider time)
    {
        var platform = new Command("platform", "Manage integrated platforms and their API keys");
        platform.Subcommands.Add(AddCommand(time));
        platform.Subcommands.Add(AddKeyCommand(time));
        platform.Subcommands.Add(RevokeKeyCommand(time));
        platform.Subcommands.Add(ListCommand(time));
        platform.Subcommands.Add(WebhookCommands.SetWebhook(time));
        platform.Subcommands.Add(WebhookCommands.RotateSecret(time));
        return platform;
    }

    private static Command AddCommand(TimeProvider time)
    {
        var cmd = new Command("add", "Register a platform; prints its first API key once") { Name };
        cmd.SetAction((parse, ct) => Run(parse, time, async (keys, output) =>
            await PrintKey(parse, output, await keys.CreatePlatformAsync(parse.GetValue(Name)!, Actor, ActorRole, ct))));
        return cmd;
    }

    private static Command AddKeyCommand(TimeProvider time)
    {
        var cmd = new Command("add-key", "Issue another API key for a platform (to rotate keys); printed once") { Name };
        cmd.SetAction((parse, ct) => Run(parse, time, async (keys, output) =>
            await PrintKey(parse, output, await keys.AddKeyAsync(parse.GetValue(Name)!, Actor, ActorRole, ct))));
        return cmd;
    }

    private static Command RevokeKeyCommand(TimeProvider time)
    {
        var key = new Argument<string>("key-id") { Description = "The key's id (the part after vgl_) or the whole key" };
        var cmd = new Command("revoke-key", "Revoke an API key; requests with it get 401 from then on") { key };
        cmd.SetAction((parse, ct) => Run(parse, time, async (keys, output) =>
        {
            var revoked = await keys.RevokeKeyAsync(parse.GetValue(key)!, Actor, ActorRole, ct);
            await output.WriteLineAsync(revoked ? "revoked " + parse.GetValue(key) : "unchanged: already revoked");
            return 0;
        }));
        return cmd;
    }

    private static Command ListCommand(TimeProvider time)
    {
        var cmd = new Command("list", "List platforms, their keys (ids only; secrets are never stored) and webhooks (URL, pending and dead messages)");
        cmd.SetAction((parse, ct) => Run(parse, time, async (keys, output) =>
        {
            var all = await keys.ListAsync(ct);
            var webhooks = await WebhookCommands.StatusAsync(parse, time, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, all.Select(p => new { p.Name, p.CreatedAt, p.Keys, Webhook = webhooks.GetValueOrDefault(p.Name) }));
                return 0;
            }
            if (all.Count == 0)
            {
                await output.WriteLineAsync("no platforms; register one with: vigil platform add NAME");
            }
            foreach (var p in all)
            {
                var list = string.Join(", ", p.Keys.Select(k => k.RevokedAt is null ? k.KeyId : k.KeyId + " (revoked)"));
                await output.WriteLineAsync($"{p.Name}  keys: {list}" + WebhookCommands.ListSuffix(webhooks.GetValueOrDefault(p.Name)));
            }
            return 0;
        }));
        return cmd;
    }

    private static async Task<int> PrintKey(ParseResult parse, TextWriter output, NewPlatformKey created)
    {
        if (parse.GetValue(CliContext.Json))
        {
            CliContext.WriteJson(parse, created);
            return 0;
        }
        await output.WriteLineAsync($"platform: {created.Platform}");
        await output.WriteLineAsync($"api key: {created.ApiKey}");
        await output.WriteLineAsync("The key is shown once: store it now. Send it as 'Authorization: Bearer <key>'.");
        return 0;
    }

    private static Task<int> Run(ParseResult parse, TimeProvider time, Func<PlatformKeys, TextWriter, Task<int>> body) => CliContext.Guard(parse, async output =>
    {
        var store = CliContext.Store(parse);
        await using var db = await store.OpenAsync(CancellationToken.None);
        await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        try
        {
            return await body(new PlatformKeys(db, ledger, time), output);
        }
        catch (PlatformException e)
        {
            throw new CliException(e.Message);
        }
    });
}
