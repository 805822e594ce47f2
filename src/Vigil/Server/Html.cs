using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Vigil.Server;

/// <summary>Minimal server-rendered pages: no scripts, everything dynamic HTML-encoded.</summary>
internal static class Html
{
    public static string Encode(string s) => HtmlEncoder.Default.Encode(s);

    public static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Encode(title)} · Vigil</title><link rel="stylesheet" href="/static/vigil.css"></head>
        <body>
        {body}
        </body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    public static string Error(string? message) => message is null ? "" : $"<p role=\"alert\"><strong>{Encode(message)}</strong></p>";

    public static string Token(AntiforgeryTokenSet tokens) =>
        $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken ?? "")}\">";
}
