using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace Vigil.Server;

/// <summary>The signed-in landing page: who you are, your roles, sign-out.</summary>
internal static class HomePage
{
    public static IResult Render(HttpContext http, IAntiforgery af)
    {
        var name = http.User.Identity?.Name ?? "";
        var roles = http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal);
        var links = new List<string>();
        if (http.User.IsInRole(Accounts.StaffRoles.Moderator))
        {
            links.Add("<a href=\"/desk\">Moderation desk</a>");
        }
        if (http.User.IsInRole(Accounts.StaffRoles.TrustAndSafetyLead))
        {
            links.Add("<a href=\"/desk/quality\">Quality sampling</a>");
            links.Add("<a href=\"/desk/export/dsa\">DSA export (last 30 days)</a>");
        }
        return Html.Page("Vigil", $"""
            <h1>Vigil</h1>
            <p>Signed in as <strong>{Html.Encode(name)}</strong> ({Html.Encode(string.Join(", ", roles))}).</p>
            {(links.Count == 0 ? "" : "<ul><li>" + string.Join("</li><li>", links) + "</li></ul>")}
            <form method="post" action="/logout">{Html.Token(af.GetAndStoreTokens(http))}<button type="submit">Sign out</button></form>
            """);
    }
}
