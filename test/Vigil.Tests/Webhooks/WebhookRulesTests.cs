using System.Text;
using CsCheck;
using Vigil.Webhooks;

namespace Vigil.Tests.Webhooks;

public sealed class WebhookRulesTests
{
    private static readonly WebhookOptions Defaults = new();

    [Fact]
    public void Backoff_doubles_from_ten_seconds_is_capped_at_an_hour_and_jitter_only_shortens()
    {
        Gen.Int[1, 100].Select(Gen.Double[0, 0.999999]).Sample((attempts, r) =>
        {
            var full = Math.Min(10 * Math.Pow(2, attempts - 1), 3600);
            var d = WebhookRetry.Delay(attempts, Defaults, r).TotalSeconds;
            Assert.InRange(d, full * 0.8 - 1e-9, full + 1e-9);
        });
        Assert.Equal(TimeSpan.FromSeconds(10), WebhookRetry.Delay(1, Defaults, 0));
        Assert.Equal(TimeSpan.FromSeconds(80), WebhookRetry.Delay(4, Defaults, 0));
        Assert.Equal(TimeSpan.FromHours(1), WebhookRetry.Delay(11, Defaults, 0));
        // Growing: the shortest next delay is never below the longest previous one, until the cap.
        for (int a = 1; a < 9; a++)
        {
            Assert.True(WebhookRetry.Delay(a + 1, Defaults, 0.999999) > WebhookRetry.Delay(a, Defaults, 0));
        }
    }

    [Fact]
    public void The_default_schedule_spans_about_a_day()
    {
        var total = Enumerable.Range(1, Defaults.MaxAttempts - 1).Sum(a => WebhookRetry.Delay(a, Defaults, 0).TotalHours);
        Assert.InRange(total, 23, 24);
    }

    [Fact]
    public void Retry_after_replaces_the_backoff_within_bounds()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), WebhookRetry.Delay(1, Defaults, 0.5, TimeSpan.FromSeconds(120)));
        Assert.Equal(TimeSpan.Zero, WebhookRetry.Delay(7, Defaults, 0.5, TimeSpan.FromSeconds(-5)));
        Assert.Equal(TimeSpan.FromHours(24), WebhookRetry.Delay(1, Defaults, 0.5, TimeSpan.FromDays(30)));
    }

    [Theory]
    [InlineData("https://platform.example/vigil/webhooks")]
    [InlineData("http://127.0.0.1:8080/hooks?tenant=4")]
    [InlineData("https://[::1]/h")]
    public void Good_urls_are_accepted(string url)
    {
        Assert.Equal(url, WebhookUrl.Parse(url, out var error)?.OriginalString);
        Assert.Equal("", error);
    }

    [Fact]
    public void Url_parser_never_throws_and_accepts_only_http_and_https()
    {
        Gen.String.Sample(s =>
        {
            var uri = WebhookUrl.Parse(s, out var error);
            Assert.True(uri is null ? error.StartsWith("--url", StringComparison.Ordinal) : uri.Scheme is "http" or "https");
        });
        Assert.Null(WebhookUrl.Parse("https://x.example/" + new string('a', 2000), out var tooLong));
        Assert.Equal("--url is 2018 characters long; at most 2000 are allowed", tooLong);
    }

    [Fact]
    public void Signature_is_hmac_sha256_over_timestamp_dot_body_and_verify_rejects_tampering()
    {
        // The documented layout, spelled out by hand (openssl checks the same layout in the dispatcher tests).
        var body = Encoding.UTF8.GetBytes("{\"item_id\":\"p1\"}");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_k"), Encoding.UTF8.GetBytes("1700000000.{\"item_id\":\"p1\"}")));
        Assert.Equal(expected, WebhookSignature.Compute("whsec_k", 1700000000, body));
        var header = WebhookSignature.Header(["whsec_new", "whsec_k"], 1700000000, body);
        Assert.True(WebhookSignature.Verify("whsec_k", 1700000000, body, header));
        Assert.True(WebhookSignature.Verify("whsec_new", 1700000000, body, header));
        Assert.False(WebhookSignature.Verify("whsec_other", 1700000000, body, header));
        Assert.False(WebhookSignature.Verify("whsec_k", 1700000000, Encoding.UTF8.GetBytes("{\"item_id\":\"p2\"}"), header));
        Assert.False(WebhookSignature.Verify("whsec_k", 1700000000, body, null));
        Assert.False(WebhookSignature.Verify("whsec_k", 1700000000, body, "v0=" + expected));
    }
}
