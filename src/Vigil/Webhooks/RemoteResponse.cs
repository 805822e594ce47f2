using System.Net;

namespace Vigil.Webhooks;

/// <summary>
/// What outbound deliveries (platform webhooks, referrals to authorities) read from the other side's answer, the same
/// way for both: how long it asks us to wait, and its text made safe to store and show.
/// </summary>
internal static class RemoteResponse
{
    /// <summary>The Retry-After of a 429 or 503 (seconds or a date, measured from <paramref name="now"/>); null otherwise.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is { } ra
            ? ra.Delta ?? (ra.Date - now)
            : null;

    /// <summary>Text from the remote side: printable, at most 300 characters.</summary>
    public static string Clean(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return "";
        }
        var printable = new string([.. s.Select(c => char.IsControl(c) ? ' ' : c)]);
        return printable.Length > 300 ? printable[..300] + "..." : printable;
    }
}
