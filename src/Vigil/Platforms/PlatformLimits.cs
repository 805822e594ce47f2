using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Platforms;

/// <summary>The limits in force for one platform: its own settings, or the server's defaults where it has none.</summary>
/// <param name="RequestsPerSecond">Tokens added to the platform's bucket each second.</param>
/// <param name="Burst">The bucket's size: how many requests may arrive at once.</param>
/// <param name="MaxBodyBytes">The largest request body accepted (413 above it).</param>
public sealed record PlatformLimitValues(int RequestsPerSecond, int Burst, long MaxBodyBytes);

/// <summary>A platform's own limit settings as stored (null = the default) and the values in force.</summary>
public sealed record PlatformLimitSettings(int? RequestsPerSecond, int? Burst, long? MaxBodyBytes, PlatformLimitValues Effective)
{
    public bool AllDefault => RequestsPerSecond is null && Burst is null && MaxBodyBytes is null;
}

/// <summary>Defaults and bounds of the per-platform limits.</summary>
public sealed class PlatformLimitsOptions
{
    public const int DefaultRequestsPerSecondValue = 50;
    public const int DefaultBurstValue = 100;
    public const long DefaultServerMaxBodyBytes = 64L * 1024 * 1024;
    public const int MaxRequestsPerSecond = 100_000;
    public const int MaxBurst = 1_000_000;
    public const long MinBodyBytes = 1024;
    public const long MaxSettableBodyBytes = 1024L * 1024 * 1024;

    public int DefaultRequestsPerSecond { get; init; } = DefaultRequestsPerSecondValue;

    public int DefaultBurst { get; init; } = DefaultBurstValue;

    public long DefaultMaxBodyBytes { get; init; } = Ingest.IngestEndpoints.MaxBodyBytes;

    /// <summary>No platform setting raises a body limit above this (the server reads whole bodies into memory).</summary>
    public long ServerMaxBodyBytes { get; init; } = DefaultServerMaxBodyBytes;

    public PlatformLimitValues Effective(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return new(
            platform.RequestsPerSecond ?? DefaultRequestsPerSecond,
            platform.Burst ?? DefaultBurst,
            Math.Min(platform.MaxBodyBytes ?? DefaultMaxBodyBytes, ServerMaxBodyBytes));
    }

    public PlatformLimitSettings Settings(Platform platform) =>
        new(platform.RequestsPerSecond, platform.Burst, platform.MaxBodyBytes, Effective(platform));
}

/// <summary>
/// The limits travel as claims of the authenticated platform: key verification reads the platform's row on every
/// request anyway, so a change made by <c>vigil platform limits</c> is in force from the next request on, on every
/// server process, with no cache to invalidate.
/// </summary>
public static class PlatformLimitClaims
{
    public const string RequestsPerSecond = "vigil:limit_rps";
    public const string Burst = "vigil:limit_burst";
    public const string MaxBodyBytes = "vigil:limit_max_body";

    public static IEnumerable<Claim> For(PlatformLimitValues limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        yield return new Claim(RequestsPerSecond, limits.RequestsPerSecond.ToString(CultureInfo.InvariantCulture));
        yield return new Claim(Burst, limits.Burst.ToString(CultureInfo.InvariantCulture));
        yield return new Claim(MaxBodyBytes, limits.MaxBodyBytes.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The platform id and limits of an authenticated platform, or null for any other caller.</summary>
    public static (long PlatformId, string Name, PlatformLimitValues Limits)? Read(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!long.TryParse(user.FindFirst(PlatformKeyAuthenticationHandler.PlatformIdClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !int.TryParse(user.FindFirst(RequestsPerSecond)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var rps)
            || !int.TryParse(user.FindFirst(Burst)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var burst)
            || !long.TryParse(user.FindFirst(MaxBodyBytes)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var body))
        {
            return null;
        }
        return (id, user.FindFirst(ClaimTypes.Name)?.Value ?? "", new PlatformLimitValues(rps, burst, body));
    }
}

/// <summary>A change asked for by <c>vigil platform limits</c>: null leaves a field as it is; <see cref="Reset"/> means back to the default.</summary>
public readonly record struct LimitChange<T>(T? Value, bool Reset)
    where T : struct
{
    public bool IsSet => Value is not null || Reset;
}

/// <summary>Reads and changes platforms' limits; every change goes to the ledger.</summary>
public sealed class PlatformLimitsAdmin(VigilDb db, LedgerLog ledger, PlatformLimitsOptions options)
{
    public const string LimitsChanged = "platform.limits_changed";

    public async Task<PlatformLimitSettings> GetAsync(string name, CancellationToken ct)
    {
        var platform = await db.Platforms.AsNoTracking().SingleOrDefaultAsync(p => p.Name == name, ct)
            ?? throw new PlatformException($"no platform named '{name}'");
        return options.Settings(platform);
    }

    public async Task<IReadOnlyDictionary<string, PlatformLimitSettings>> ListAsync(CancellationToken ct)
    {
        var all = await db.Platforms.AsNoTracking().ToListAsync(ct);
        return all.ToDictionary(p => p.Name, options.Settings, StringComparer.Ordinal);
    }

    /// <summary>
    /// Applies the changes after checking them together (the burst may not be below the rate in force); returns the
    /// new settings. Nothing is written when a value is refused.
    /// </summary>
    public async Task<PlatformLimitSettings> SetAsync(
        string name, LimitChange<int> requestsPerSecond, LimitChange<int> burst, LimitChange<long> maxBodyBytes,
        string actor, string actorRole, CancellationToken ct)
    {
        var platform = await db.Platforms.SingleOrDefaultAsync(p => p.Name == name, ct)
            ?? throw new PlatformException($"no platform named '{name}'");
        if (requestsPerSecond.Value is { } rps && rps is < 1 or > PlatformLimitsOptions.MaxRequestsPerSecond)
        {
            throw new PlatformException($"--requests-per-second must be between 1 and {PlatformLimitsOptions.MaxRequestsPerSecond}, not {rps}");
        }
        if (burst.Value is { } b && b is < 1 or > PlatformLimitsOptions.MaxBurst)
        {
            throw new PlatformException($"--burst must be between 1 and {PlatformLimitsOptions.MaxBurst}, not {b}");
        }
        if (maxBodyBytes.Value is { } body && body is < PlatformLimitsOptions.MinBodyBytes or > PlatformLimitsOptions.MaxSettableBodyBytes)
        {
            throw new PlatformException($"--max-body-bytes must be between {PlatformLimitsOptions.MinBodyBytes} and {PlatformLimitsOptions.MaxSettableBodyBytes}, not {body}");
        }
        var before = options.Settings(platform);
        if (requestsPerSecond.IsSet)
        {
            platform.RequestsPerSecond = requestsPerSecond.Value;
        }
        if (burst.IsSet)
        {
            platform.Burst = burst.Value;
        }
        if (maxBodyBytes.IsSet)
        {
            platform.MaxBodyBytes = maxBodyBytes.Value;
        }
        var after = options.Settings(platform);
        if (after.Effective.Burst < after.Effective.RequestsPerSecond)
        {
            // A bucket smaller than a second's refill would silently cap the rate at the burst.
            throw new PlatformException($"--burst ({after.Effective.Burst}) must be at least --requests-per-second ({after.Effective.RequestsPerSecond})");
        }
        var changes = new List<string>();
        Describe(changes, "requests_per_second", before.RequestsPerSecond, after.RequestsPerSecond);
        Describe(changes, "burst", before.Burst, after.Burst);
        Describe(changes, "max_body_bytes", before.MaxBodyBytes, after.MaxBodyBytes);
        if (changes.Count == 0)
        {
            return after;
        }
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(new LedgerEvent(actor, actorRole, LimitsChanged, new LedgerSubject(PlatformKeys.SubjectType, platform.Name), string.Join(", ", changes)), ct);
        return after;
    }

    private static void Describe<T>(List<string> changes, string field, T? before, T? after)
        where T : struct, IEquatable<T>
    {
        if (!Nullable.Equals(before, after))
        {
            changes.Add($"{field} {Show(before)} -> {Show(after)}");
        }
    }

    private static string Show<T>(T? value)
        where T : struct =>
        value is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture)! : "default";
}
