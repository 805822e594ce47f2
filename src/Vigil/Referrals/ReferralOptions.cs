namespace Vigil.Referrals;

/// <summary>
/// Settings of referral routing and delivery, bound from the server's configuration section <c>Referrals</c>
/// (e.g. the environment variable <c>Referrals__EstablishmentCountry=NL</c>).
/// </summary>
public sealed class ReferralOptions
{
    public const string Section = "Referrals";

    /// <summary>
    /// ISO 3166-1 alpha-2 of the platform's EU state of establishment (DSA Art. 18(2)): its authority receives a
    /// referral whose country is unknown or has no registered authority. Default <c>IE</c>.
    /// </summary>
    public string EstablishmentCountry { get; set; } = "IE";

    /// <summary>Attempts before a referral is given up as dead (and written to the ledger).</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>Delay after the first failure; doubles per failure up to <see cref="MaxDelay"/>, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a claimed referral is reserved for the dispatcher sending it; after a crash it is sent again when this expires.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the dispatcher looks for due referrals when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a referral without a competent authority is routed again (an authority may have been registered).</summary>
    public TimeSpan NoAuthorityRecheck { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Referrals sent at the same time.</summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>Earlier items of the same account included as context.</summary>
    public int RecentHistory { get; set; } = 10;
}

/// <summary>Backoff between attempts.</summary>
public static class ReferralRetry
{
    /// <summary>
    /// The delay after failed attempt number <paramref name="attempts"/>: exponential from the base delay, capped, with
    /// up to ±20 % jitter (<paramref name="jitter"/> in [0, 1)), and never shorter than the authority's Retry-After (capped too).
    /// </summary>
    public static TimeSpan Delay(int attempts, ReferralOptions o, double jitter, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(o);
        var exp = o.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var ms = Math.Min(exp, o.MaxDelay.TotalMilliseconds) * (0.8 + (0.4 * jitter));
        if (retryAfter is { } ra && ra.TotalMilliseconds > ms)
        {
            ms = Math.Min(ra.TotalMilliseconds, o.MaxDelay.TotalMilliseconds);
        }
        return TimeSpan.FromMilliseconds(Math.Max(ms, 0));
    }
}
