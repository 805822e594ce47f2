using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Platforms;

/// <summary>
/// The per-platform rate limit: a token bucket per authenticated platform, sized by the platform's row. Endpoints of
/// the platform API attach it with <c>.RequireRateLimiting(PlatformRateLimits.Policy)</c>; it must run after
/// authorization (which authenticates the platform key), see <see cref="UsePlatformRateLimits"/>.
/// </summary>
public static class PlatformRateLimits
{
    public const string Policy = "platform";

    public static IServiceCollection AddPlatformRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, Partition);
            o.OnRejected = (ctx, ct) => new ValueTask(RejectAsync(ctx.HttpContext, ctx.Lease));
        });

    /// <summary>Adds the rate limiter to the pipeline; call it after <c>UseAuthorization</c> so the platform is known.</summary>
    public static IApplicationBuilder UsePlatformRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    internal static RateLimitPartition<(long PlatformId, int Rate, int Burst)> Partition(HttpContext ctx)
    {
        if (PlatformLimitClaims.Read(ctx.User) is not { } p)
        {
            // Only reached by an endpoint that attached the policy without platform authorization: nothing to key on.
            return RateLimitPartition.GetNoLimiter((0L, 0, 0));
        }
        // The limits are part of the key, so a changed limit starts a fresh bucket; the old one is dropped when idle.
        return RateLimitPartition.GetTokenBucketLimiter((PlatformId: p.PlatformId, Rate: p.Limits.RequestsPerSecond, Burst: p.Limits.Burst), key => new TokenBucketRateLimiterOptions
        {
            TokenLimit = key.Burst,
            TokensPerPeriod = key.Rate,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async Task RejectAsync(HttpContext ctx, RateLimitLease lease)
    {
        var platform = PlatformLimitClaims.Read(ctx.User);
        int seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry)
            ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds))
            : 1;
        ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var detail = platform is { } p
            ? $"platform '{p.Name}' is over its rate limit of {p.Limits.RequestsPerSecond} requests/s with a burst of {p.Limits.Burst}; retry after {seconds} s"
            : $"rate limit exceeded; retry after {seconds} s";
        await Results.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            extensions: platform is { } q
                ? new Dictionary<string, object?> { ["limit"] = "requests_per_second", ["requests_per_second"] = q.Limits.RequestsPerSecond, ["burst"] = q.Limits.Burst, ["retry_after_seconds"] = seconds }
                : null).ExecuteAsync(ctx);
    }
}
