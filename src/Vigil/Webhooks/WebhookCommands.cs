using System.CommandLine;
using Vigil.Cli;
using Vigil.Ledger;
using Vigil.Platforms;

namespace Vigil.Webhooks;

/// <summary><c>vigil platform set-webhook</c> and <c>vigil platform rotate-webhook-secret</c>; the webhook part of <c>platform list</c>.</summary>
public static class WebhookCommands
{
    private static readonly Argument<string> Name = new("name") { Description = "The platform's name" };

    private static string Actor => "cli:" + Environment.UserName;

    private const string ActorRole = "operator";

    public static Command SetWebhook(TimeProvider time)
    {
        var url = new Option<string>("--url") { Description = "Absolute http or https URL the platform receives webhooks at", Required = true };
        var cmd = new Command("set-webhook", "Set a platform's webhook URL; the first time, prints its new signing secret once") { Name, url };
        cmd.SetAction((parse, ct) => Run(parse, time, async (webhooks, output) =>
        {
            var set = await webhooks.SetAsync(parse.GetValue(Name)!, parse.GetValue(url)!, Actor, ActorRole, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, set);
                return 0;
            }
            await output.WriteLineAsync($"platform: {set.Platform}");
            await output.WriteLineAsync($"webhook url: {set.Url}");
            if (set.Secret is null)
            {
                await output.WriteLineAsync("signing secret: unchanged (rotate it with: vigil platform rotate-webhook-secret " + set.Platform + ")");
            }
            else
            {
                await output.WriteLineAsync($"signing secret: {set.Secret}");
                await output.WriteLineAsync("The secret is shown once: give it to the platform now. See docs/webhooks.md to verify Vigil-Signature.");
            }
            return 0;
        }));
        return cmd;
    }

    public static Command RotateSecret(TimeProvider time)
    {
        var cmd = new Command("rotate-webhook-secret", "Create a new signing secret (printed once); the old one also signs for 24 hours") { Name };
        cmd.SetAction((parse, ct) => Run(parse, time, async (webhooks, output) =>
        {
            var rotated = await webhooks.RotateSecretAsync(parse.GetValue(Name)!, Actor, ActorRole, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, rotated);
                return 0;
            }
            await output.WriteLineAsync($"platform: {rotated.Platform}");
            await output.WriteLineAsync($"signing secret: {rotated.Secret}");
            await output.WriteLineAsync($"Until {rotated.PreviousValidUntil.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z each webhook carries two signatures (v1=new,v1=old); switch the platform to the new secret before then.");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The webhook column of <c>vigil platform list</c>: empty when nothing is configured or waiting.</summary>
    public static string ListSuffix(WebhookStatus? s) => s switch
    {
        null => "",
        { Url: null, Pending: 0, Dead: 0 } => "",
        { Url: null } => $"  webhook: not set (pending {s.Pending}, dead {s.Dead})",
        _ => $"  webhook: {s.Url} (pending {s.Pending}, dead {s.Dead})" + (s.PreviousSecretValidUntil is { } until ? $" rotating until {until.UtcDateTime:yyyy-MM-dd HH:mm}Z" : ""),
    };

    /// <summary>The webhook status of every platform by name, for <c>vigil platform list</c>.</summary>
    public static async Task<IReadOnlyDictionary<string, WebhookStatus>> StatusAsync(ParseResult parse, TimeProvider time, CancellationToken ct)
    {
        await using var db = CliContext.Store(parse).CreateContext();
        var all = await PlatformWebhooks.StatusAsync(db, time.GetUtcNow(), ct);
        return all.ToDictionary(s => s.Platform, StringComparer.Ordinal);
    }

    private static Task<int> Run(ParseResult parse, TimeProvider time, Func<PlatformWebhooks, TextWriter, Task<int>> body) => CliContext.Guard(parse, async output =>
    {
        var store = CliContext.Store(parse);
        await using var db = await store.OpenAsync(CancellationToken.None);
        await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        try
        {
            return await body(new PlatformWebhooks(db, ledger, VigilKeyRing.CreateProvider(store.DataDirectory), time), output);
        }
        catch (PlatformException e)
        {
            throw new CliException(e.Message);
        }
    });
}
