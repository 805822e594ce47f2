namespace Vigil.Webhooks;

/// <summary>Checks a platform's webhook address: absolute http or https, a host, no credentials, no fragment.</summary>
public static class WebhookUrl
{
    public const int MaxLength = 2000;

    /// <summary>Returns the parsed address, or null with <paramref name="error"/> saying precisely what is wrong.</summary>
    public static Uri? Parse(string? text, out string error)
    {
        error = "";
        var shown = text is null ? "" : (text.Length > 100 ? text[..100] + "..." : text);
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "--url is empty; give an absolute http or https URL, e.g. https://platform.example/vigil/webhooks";
        }
        else if (text.Length > MaxLength)
        {
            error = $"--url is {text.Length} characters long; at most {MaxLength} are allowed";
        }
        else if (text.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            error = $"--url '{Printable(shown)}' contains whitespace or control characters";
        }
        else if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || text.StartsWith('/'))
        {
            error = $"--url '{shown}' is not an absolute URL; give one like https://platform.example/vigil/webhooks";
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            error = $"--url '{shown}' uses the scheme '{uri.Scheme}'; only http and https are allowed";
        }
        else if (string.IsNullOrEmpty(uri.Host))
        {
            error = $"--url '{shown}' has no host";
        }
        else if (uri.UserInfo.Length > 0)
        {
            // Credentials in the URL would end up in the ledger and logs; the signature authenticates Vigil instead.
            error = $"--url must not contain a user name or password (the part before '@')";
        }
        else if (uri.Fragment.Length > 0)
        {
            error = $"--url '{shown}' has a fragment ('#...'), which is never sent; remove it";
        }
        else
        {
            return uri;
        }
        return null;
    }

    private static string Printable(string s) => new([.. s.Select(c => char.IsControl(c) ? '?' : c)]);
}
