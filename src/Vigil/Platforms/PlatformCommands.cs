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
        platform.Subcommands.Add(LimitsCommand(time));
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
        var cmd = new Command("list", "List platforms, their keys (ids only; secrets are never stored), their own limits and webhooks (URL, pending and dead messages)");
        cmd.SetAction((parse, ct) => RunWithLimits(parse, time, async (keys, limits, output) =>
        {
            var settings = await limits.ListAsync(ct);
            var all = (await keys.ListAsync(ct)).Select(p => p with { Limits = settings[p.Name] }).ToList();
            var webhooks = await WebhookCommands.StatusAsync(parse, time, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, all.Select(p => new { p.Name, p.CreatedAt, p.Keys, p.Limits, Webhook = webhooks.GetValueOrDefault(p.Name) }));
                return 0;
            }
            if (all.Count == 0)
            {
                await output.WriteLineAsync("no platforms; register one with: vigil platform add NAME");
            }
            foreach (var p in all)
            {
                var list = string.Join(", ", p.Keys.Select(k => k.RevokedAt is null ? k.KeyId : k.KeyId + " (revoked)"));
                // Limits are shown only where a platform has its own; the rest run on the defaults.
                var own = p.Limits is { AllDefault: false } l ? "  limits: " + Describe(l) : "";
                await output.WriteLineAsync($"{p.Name}  keys: {list}{own}" + WebhookCommands.ListSuffix(webhooks.GetValueOrDefault(p.Name)));
            }
            return 0;
        }));
        return cmd;
    }

    private static Command LimitsCommand(TimeProvider time)
    {
        var rps = new Option<string?>("--requests-per-second") { Description = "Sustained requests per second (1-100000), or 'default'" };
        var burst = new Option<string?>("--burst") { Description = "Requests allowed at once, at least the rate (1-1000000), or 'default'" };
        var body = new Option<string?>("--max-body-bytes") { Description = "Largest request body in bytes (1024-1073741824; the server caps it), or 'default'" };
        var cmd = new Command("limits", "Show or change a platform's rate limit and body size limit; changes apply to running servers at once and go to the ledger")
        {
            Name, rps, burst, body,
        };
        cmd.SetAction((parse, ct) => RunWithLimits(parse, time, async (_, limits, output) =>
        {
            var name = parse.GetValue(Name)!;
            var r = ParseChange<int>(parse.GetValue(rps), "--requests-per-second");
            var b = ParseChange<int>(parse.GetValue(burst), "--burst");
            var m = ParseChange<long>(parse.GetValue(body), "--max-body-bytes");
            var settings = r.IsSet || b.IsSet || m.IsSet
                ? await limits.SetAsync(name, r, b, m, Actor, ActorRole, ct)
                : await limits.GetAsync(name, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, settings);
                return 0;
            }
            await output.WriteLineAsync($"{name}  {Describe(settings)}");
            return 0;
        }));
        return cmd;
    }

    private static LimitChange<T> ParseChange<T>(string? text, string option)
        where T : struct, IParsable<T>
    {
        if (text is null)
        {
            return default;
        }
        if (text.Trim().Equals("default", StringComparison.OrdinalIgnoreCase))
        {
            return new LimitChange<T>(null, Reset: true);
        }
        return T.TryParse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? new LimitChange<T>(value, Reset: false)
            : throw new CliException($"{option}: '{text}' is not a whole number (or 'default')");
    }

    private static string Describe(PlatformLimitSettings s)
    {
        static string Mark(object? own) => own is null ? " (default)" : "";
        return $"requests/s: {s.Effective.RequestsPerSecond}{Mark(s.RequestsPerSecond)}  burst: {s.Effective.Burst}{Mark(s.Burst)}  max body: {s.Effective.MaxBodyBytes} bytes{Mark(s.MaxBodyBytes)}";
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

    private static Task<int> RunWithLimits(ParseResult parse, TimeProvider time, Func<PlatformKeys, PlatformLimitsAdmin, TextWriter, Task<int>> body) => CliContext.Guard(parse, async output =>
    {
        var store = CliContext.Store(parse);
        await using var db = await store.OpenAsync(CancellationToken.None);
        await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        try
        {
            return await body(new PlatformKeys(db, ledger, time), new PlatformLimitsAdmin(db, ledger, new PlatformLimitsOptions()), output);
        }
        catch (PlatformException e)
        {
            throw new CliException(e.Message);
        }
    });

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
