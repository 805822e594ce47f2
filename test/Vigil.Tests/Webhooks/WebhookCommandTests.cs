using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Storage;
using Vigil.Tests.Support;
using Vigil.Webhooks;

namespace Vigil.Tests.Webhooks;

public sealed class WebhookCommandTests
{
    private static IReadOnlyList<string> LedgerActions(CliRunner cli)
    {
        using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(cli.Data.FullName);
        return [.. Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event.Action)];
    }

    private static string LedgerText(CliRunner cli)
    {
        using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(cli.Data.FullName);
        return string.Join("\n", Enumerable.Range(0, (int)ledger.Size()).Select(i => Encoding.UTF8.GetString(ledger.ReadEntry(i).CanonicalJson)));
    }

    [Theory]
    [InlineData("ftp://platform.example/hooks", "error: --url 'ftp://platform.example/hooks' uses the scheme 'ftp'; only http and https are allowed")]
    [InlineData("/hooks", "error: --url '/hooks' is not an absolute URL; give one like https://platform.example/vigil/webhooks")]
    [InlineData("platform.example/hooks", "error: --url 'platform.example/hooks' is not an absolute URL; give one like https://platform.example/vigil/webhooks")]
    [InlineData("https://user:pw@platform.example/hooks", "error: --url must not contain a user name or password (the part before '@')")]
    [InlineData("https://platform.example/hooks#top", "error: --url 'https://platform.example/hooks#top' has a fragment ('#...'), which is never sent; remove it")]
    [InlineData("https://platform.example/a b", "error: --url 'https://platform.example/a b' contains whitespace or control characters")]
    [InlineData("", "error: --url is empty; give an absolute http or https URL, e.g. https://platform.example/vigil/webhooks")]
    [InlineData("file:///etc/passwd", "error: --url 'file:///etc/passwd' uses the scheme 'file'; only http and https are allowed")]
    public async Task Set_webhook_with_a_bad_url_gives_a_precise_error_and_stores_nothing(string url, string expected)
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("platform", "add", "chirp")).Exit);
        var (exit, output, error) = await cli.RunAsync("platform", "set-webhook", "chirp", "--url", url);
        Assert.Equal((1, "", expected), (exit, output, error.Trim()));
        await using (var db = new VigilStore(cli.Data).CreateContext())
        {
            var p = await db.Platforms.SingleAsync();
            Assert.Equal((null, null), (p.WebhookUrl, p.WebhookSecret));
        }
        Assert.DoesNotContain(WebhookAudit.Set, LedgerActions(cli));
    }

    [Fact]
    public async Task Set_webhook_for_an_unknown_platform_or_rotate_without_a_webhook_are_refused()
    {
        using var cli = new CliRunner();
        Assert.Equal((1, "error: no platform named 'nope'"), Trim(await cli.RunAsync("platform", "set-webhook", "nope", "--url", "https://x.example/h")));
        Assert.Equal(0, (await cli.RunAsync("platform", "add", "chirp")).Exit);
        Assert.Equal((1, "error: platform 'chirp' has no webhook yet; set one with: vigil platform set-webhook chirp --url URL"),
            Trim(await cli.RunAsync("platform", "rotate-webhook-secret", "chirp")));
    }

    private static (int, string) Trim((int Exit, string Out, string Err) r) => (r.Exit, r.Err.Trim());

    [Fact]
    public async Task Set_webhook_prints_the_secret_once_list_shows_url_and_counts_and_rotation_signs_with_both_secrets_for_a_day()
    {
        using var cli = new CliRunner();
        await using var receiver = await Receiver.StartAsync();
        Assert.Equal(0, (await cli.RunAsync("platform", "add", "chirp")).Exit);
        var (exit, output, error) = await cli.RunAsync("platform", "set-webhook", "chirp", "--url", receiver.Url.ToString());
        Assert.True(exit == 0, error);
        var secret = WebhookApiTests.SecretLine().Match(output).Groups[1].Value;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        // Setting the URL again keeps the secret and does not print it.
        (exit, output, _) = await cli.RunAsync("platform", "set-webhook", "chirp", "--url", receiver.Url.ToString(), "--json");
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal((0, receiver.Url.ToString(), false), (exit, json.RootElement.GetProperty("url").GetString(), json.RootElement.GetProperty("secret_created").GetBoolean()));
            Assert.False(json.RootElement.TryGetProperty("secret", out _));
        }

        // The CLI wrote the secret with the data folder's key ring; a dispatcher configured like the server reads it.
        var start = cli.Time.GetUtcNow();
        await using (var h = WebhookHarness.Over(new VigilStore(cli.Data), start))
        {
            var platformId = await PlatformIdAsync(cli);
            await h.EnqueueAsync(platformId, "item.removed", new { ItemId = "a" });
            await h.EnqueueAsync(platformId, "item.removed", new { ItemId = "b" });
            receiver.Respond = r => Task.FromResult(new Answer(r.Text.Contains("\"a\"", StringComparison.Ordinal) ? 200 : 500));
            Assert.Equal(2, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
            var r = receiver.Requests[0];
            Assert.Equal("v1=" + await WebhookDispatcherTests.OpenSslHmacAsync(secret, $"{r.Timestamp}.{r.Text}"), r.Headers["Vigil-Signature"]);
            Assert.DoesNotContain(secret, await h.EverythingRecordedAsync(), StringComparison.Ordinal);
        }
        (exit, output, _) = await cli.RunAsync("platform", "list");
        Assert.Matches($"^chirp  keys: [0-9a-f]{{16}}  webhook: {receiver.Url} \\(pending 1, dead 0\\)$", output.Trim());

        (exit, output, error) = await cli.RunAsync("platform", "rotate-webhook-secret", "chirp");
        Assert.True(exit == 0, error);
        var rotated = WebhookApiTests.SecretLine().Match(output).Groups[1].Value;
        Assert.NotEqual(secret, rotated);
        (_, output, _) = await cli.RunAsync("platform", "list", "--json");
        Assert.DoesNotContain(rotated, output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        using (var json = JsonDocument.Parse(output))
        {
            var webhook = json.RootElement[0].GetProperty("webhook");
            Assert.Equal((1, 0, start + TimeSpan.FromHours(24)),
                (webhook.GetProperty("pending").GetInt32(), webhook.GetProperty("dead").GetInt32(), webhook.GetProperty("previous_secret_valid_until").GetDateTimeOffset()));
        }

        // During the overlap both secrets sign (new first); after 24 hours only the new one.
        receiver.Respond = _ => Task.FromResult(new Answer(500));
        await using (var h = WebhookHarness.Over(new VigilStore(cli.Data), start + TimeSpan.FromHours(1)))
        {
            Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
            var r = receiver.Requests[^1];
            Assert.Equal($"v1={WebhookSignature.Compute(rotated, r.Timestamp, r.Body)},v1={WebhookSignature.Compute(secret, r.Timestamp, r.Body)}", r.Headers["Vigil-Signature"]);
            Assert.True(WebhookSignature.Verify(secret, r.Timestamp, r.Body, r.Headers["Vigil-Signature"]));
            Assert.True(WebhookSignature.Verify(rotated, r.Timestamp, r.Body, r.Headers["Vigil-Signature"]));
        }
        await using (var h = WebhookHarness.Over(new VigilStore(cli.Data), start + TimeSpan.FromHours(24)))
        {
            Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));
            var r = receiver.Requests[^1];
            Assert.Equal("v1=" + await WebhookDispatcherTests.OpenSslHmacAsync(rotated, $"{r.Timestamp}.{r.Text}"), r.Headers["Vigil-Signature"]);
            Assert.False(WebhookSignature.Verify(secret, r.Timestamp, r.Body, r.Headers["Vigil-Signature"]));
        }

        Assert.Equal(["platform.created", "platform.key_created", WebhookAudit.Set, WebhookAudit.Set, WebhookAudit.SecretRotated], LedgerActions(cli));
        var ledger = LedgerText(cli);
        Assert.DoesNotContain(secret, ledger, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, ledger, StringComparison.Ordinal);
        await using (var db = new VigilStore(cli.Data).CreateContext())
        {
            var p = await db.Platforms.SingleAsync();
            Assert.DoesNotContain(rotated, p.WebhookSecret!, StringComparison.Ordinal);
            Assert.DoesNotContain(rotated[6..], p.WebhookSecret!, StringComparison.Ordinal);
        }
    }

    private static async Task<long> PlatformIdAsync(CliRunner cli)
    {
        await using var db = new VigilStore(cli.Data).CreateContext();
        return await db.Platforms.Select(p => p.Id).SingleAsync();
    }
}
