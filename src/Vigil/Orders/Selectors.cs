using System.Globalization;
using System.Net;
using System.Net.Mail;
using PhoneNumbers;

namespace Vigil.Orders;

/// <summary>
/// Normalises selectors so that an order's selector and a stored record compare equal exactly when they name the same
/// thing, and refuses anything that is not one specific identifier (wildcards, ranges, empty values).
/// </summary>
public static class Selectors
{
    public const int MaxLength = 2048;

    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Normalises <paramref name="raw"/> as a <paramref name="kind"/>; returns null and an error message when it is not specific and valid.</summary>
    public static string? Normalise(SelectorKind kind, string? raw, out string? error)
    {
        error = null;
        var v = raw?.Trim();
        if (string.IsNullOrEmpty(v))
        {
            error = "empty value";
            return null;
        }
        if (v.Length > MaxLength)
        {
            error = $"longer than {MaxLength} characters";
            return null;
        }
        if (kind != SelectorKind.Url && v.IndexOfAny(['*', '%', '?']) >= 0)
        {
            error = "wildcards are not allowed: a selector names one specific target";
            return null;
        }
        if (v.Any(char.IsControl))
        {
            error = "control characters";
            return null;
        }
        switch (kind)
        {
            case SelectorKind.EmailAddress:
                if (!MailAddress.TryCreate(v, out var mail) || !string.Equals(mail.Address, v, StringComparison.Ordinal) || !mail.Host.Contains('.', StringComparison.Ordinal))
                {
                    error = "not an e-mail address";
                    return null;
                }
                return v.ToLowerInvariant();
            case SelectorKind.PhoneNumber:
                try
                {
                    var number = Phones.Parse(v, null);
                    if (!Phones.IsValidNumber(number))
                    {
                        error = "not a valid phone number";
                        return null;
                    }
                    return Phones.Format(number, PhoneNumberFormat.E164);
                }
                catch (NumberParseException)
                {
                    error = "not a phone number in international form (+country code)";
                    return null;
                }
            case SelectorKind.IpAddress:
                if (!IPAddress.TryParse(v, out var ip) || v.Contains('/', StringComparison.Ordinal))
                {
                    error = "not a single IP address";
                    return null;
                }
                if (ip.IsIPv4MappedToIPv6)
                {
                    ip = ip.MapToIPv4();
                }
                if (IPAddress.Any.Equals(ip) || IPAddress.IPv6Any.Equals(ip) || IPAddress.Broadcast.Equals(ip))
                {
                    error = "an unspecified or broadcast address names no one";
                    return null;
                }
                return ip.ToString();
            case SelectorKind.Url:
                if (!Uri.TryCreate(v, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.Host.Contains('*', StringComparison.Ordinal))
                {
                    error = "not an absolute http(s) URL";
                    return null;
                }
                return uri.AbsoluteUri;
            case SelectorKind.AccountId:
            case SelectorKind.Username:
            case SelectorKind.ItemId:
                if (v.Any(char.IsWhiteSpace))
                {
                    error = "whitespace in an identifier";
                    return null;
                }
                return kind == SelectorKind.Username ? v.ToLowerInvariant() : v;
            default:
                error = "unknown selector kind";
                return null;
        }
    }

    /// <summary>Checks a source port (1–65535).</summary>
    public static bool IsValidPort(int? port) => port is null or (>= 1 and <= 65535);

    public static string Describe(SelectorKind kind, string value, int? port) =>
        port is { } p ? string.Create(CultureInfo.InvariantCulture, $"{kind}:{value}:{p}") : $"{kind}:{value}";
}
