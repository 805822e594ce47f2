using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Demo;
using Vigil.Referrals;

namespace Vigil.Tests.Referrals;

/// <summary>One referral POST as the fake authority saw it.</summary>
internal sealed record AuthorityRequest(string ReferralId, string ContentType, string PackageSha256, string Attempt, byte[] Body);

/// <summary>What the fake authority answers: a status, an optional Retry-After (seconds), and whether to issue a receipt.</summary>
internal sealed record AuthorityAnswer(int Status, int? RetryAfterSeconds = null, bool Receipt = true);

/// <summary>
/// An authority's referral endpoint on 127.0.0.1 run by the test: it records requests, checks the package (decrypts
/// with <see cref="Decryption"/> when set, verifies the platform signature) and acknowledges with a receipt id,
/// the same one for a referral sent again, counting how many distinct receipts it ever issued per referral.
/// </summary>
internal sealed class FakeAuthority : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<AuthorityRequest> requests = new();
    private readonly ConcurrentDictionary<string, string> receipts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> issued = new(StringComparer.Ordinal);

    private FakeAuthority(WebApplication app, Uri endpoint)
    {
        this.app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Decides the answer; may wait (it gets the request's abort token). Default: 200 with a receipt.</summary>
    public Func<AuthorityRequest, CancellationToken, Task<AuthorityAnswer>> Respond { get; set; } = (_, _) => Task.FromResult(new AuthorityAnswer(200));

    /// <summary>The platform's signing certificate every package must be signed with; null skips the check.</summary>
    public X509Certificate2? PlatformCertificate { get; set; }

    /// <summary>The authority's decryption certificate (with key) for encrypted packages.</summary>
    public X509Certificate2? Decryption { get; set; }

    public IReadOnlyList<AuthorityRequest> Requests => [.. requests];

    public IReadOnlyDictionary<string, string> Receipts => receipts;

    /// <summary>How many receipts were minted per referral id (1 when every resend got the first one back).</summary>
    public IReadOnlyDictionary<string, int> Issued => issued;

    public int Refused { get; private set; }

    public static async Task<FakeAuthority> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAuthority? self = null;
        app.MapPost("/referrals", async (HttpContext ctx) =>
        {
            using var body = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(body, ctx.RequestAborted);
            var h = ctx.Request.Headers;
            var request = new AuthorityRequest(h[ReferralDispatcher.ReferralIdHeader].ToString(), ctx.Request.ContentType ?? "",
                h[ReferralDispatcher.PackageHashHeader].ToString(), h[ReferralDispatcher.AttemptHeader].ToString(), body.ToArray());
            self!.requests.Enqueue(request);
            if (self.PlatformCertificate is { } platform)
            {
                try
                {
                    StandInAuthority.Open(request.Body, self.Decryption, platform);
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    self.Refused++;
                    return Results.StatusCode(422);
                }
            }
            var answer = await self.Respond(request, ctx.RequestAborted);
            if (answer.RetryAfterSeconds is { } ra)
            {
                ctx.Response.Headers.RetryAfter = ra.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (answer.Status is < 200 or > 299)
            {
                return Results.StatusCode(answer.Status);
            }
            if (!answer.Receipt)
            {
                return Results.Text("thanks", statusCode: answer.Status);
            }
            var receipt = self.receipts.GetOrAdd(request.ReferralId, id =>
            {
                self.issued.AddOrUpdate(id, 1, (_, n) => n + 1);
                return "RCPT-" + id + "-" + Guid.NewGuid().ToString("N")[..8];
            });
            return Results.Json(new Dictionary<string, string> { ["receipt_id"] = receipt }, statusCode: answer.Status);
        });
        await app.StartAsync();
        self = new FakeAuthority(app, new Uri(new Uri(app.Urls.Single()), "/referrals"));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
