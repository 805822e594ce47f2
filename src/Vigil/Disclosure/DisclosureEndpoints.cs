using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Accounts;
using Vigil.Server;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Disclosure;

/// <summary>Disclosure's routes: the legal officers' preview and build, the authority portal's list and one-time download.</summary>
public static class DisclosureEndpoints
{
    /// <summary>Registers the disclosure service, its options, the platform signing key and the user-notice job.</summary>
    public static IServiceCollection AddDisclosure(this IServiceCollection services, VigilStore store, TimeProvider time, Action<DisclosureOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var options = new DisclosureOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        // Referrals sign with the same key; whoever registers it first wins.
        services.TryAddSingleton(_ => PlatformSigning.LoadOrCreate(store.DataDirectory, time));
        services.AddScoped<DisclosureService>();
        services.AddSingleton<UserNoticeJob>();
        services.AddHostedService(sp => sp.GetRequiredService<UserNoticeJob>());
        return services;
    }

    /// <summary>Maps the routes; each declares its policy.</summary>
    public static void MapDisclosure(this IEndpointRouteBuilder app)
    {
        app.MapGet("/legal/orders/{id:long}/preview", PreviewPageAsync).RequireAuthorization(StaffRoles.LegalOfficer).ExcludeFromDescription();
        app.MapPost("/legal/orders/{id:long}/disclosure", BuildAsync).RequireAuthorization(StaffRoles.LegalOfficer).ExcludeFromDescription();
        app.MapGet("/api/v1/legal/orders/{id:long}/preview", PreviewJsonAsync).RequireAuthorization(StaffRoles.LegalOfficer);
        app.MapGet("/portal/disclosures", ListAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
        app.MapGet("/portal/disclosures/{id:long}/download", DownloadAsync).RequireAuthorization(AuthorityPortal.Policy).ExcludeFromDescription();
    }

    private static (string Name, string Role) Actor(HttpContext http) => (
        http.User.Identity?.Name ?? "unknown",
        string.Join(",", http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)) is { Length: > 0 } r ? r : "unknown");

    private static async Task<IResult> PreviewJsonAsync(long id, HttpContext http, DisclosureService service, CancellationToken ct)
    {
        var (name, role) = Actor(http);
        var preview = await service.PreviewAsync(id, name, role, ct);
        return preview is null
            ? Results.Problem(statusCode: 404, title: "not found", detail: $"order {id} does not exist")
            : Results.Json(preview, DisclosurePackager.Json);
    }

    private static async Task<IResult> PreviewPageAsync(long id, HttpContext http, DisclosureService service, IAntiforgery af, CancellationToken ct)
    {
        var (name, role) = Actor(http);
        var preview = await service.PreviewAsync(id, name, role, ct);
        if (preview is null)
        {
            return Html.Page("Not found", $"<main><h1>Not found</h1><p>Order {id} does not exist.</p></main>", 404);
        }
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"<main><h1>Disclosure preview: order {preview.OrderId}</h1>");
        b.Append(CultureInfo.InvariantCulture, $"<p>Reference <strong>{Html.Encode(preview.Reference)}</strong> · authority {Html.Encode(preview.Authority)} · {Html.Encode(preview.Instrument)} · state <strong id=\"state\">{Html.Encode(preview.State)}</strong></p>");
        b.Append("<p>Exactly these records would be disclosed: the selectors × category × time range of each task that is not rejected. Samples show minimised rows as the authority would receive them.</p>");
        if (preview.Tasks.Count == 0)
        {
            b.Append("<p>No disclosure task to preview.</p>");
        }
        foreach (var t in preview.Tasks)
        {
            b.Append(CultureInfo.InvariantCulture, $"<section><h2>Task {t.TaskId} {Html.Encode(t.Reference ?? "")}: {Html.Encode(t.Category)} ({Html.Encode(t.Decision)})</h2>");
            b.Append(CultureInfo.InvariantCulture, $"<p>{Html.Encode(Time(t.StartTime))} to {Html.Encode(Time(t.EndTime))} · selectors: {Html.Encode(string.Join(", ", t.Selectors))}</p>");
            b.Append("<table><thead><tr><th>Record type</th><th>Rows</th></tr></thead><tbody>");
            foreach (var (type, count) in t.Counts)
            {
                b.Append(CultureInfo.InvariantCulture, $"<tr><td>{Html.Encode(type)}</td><td data-count=\"{Html.Encode(type)}\">{count}</td></tr>");
            }
            b.Append(CultureInfo.InvariantCulture, $"</tbody></table><p>{t.Accounts} account(s)");
            if (t.ExcludedUsPersons > 0)
            {
                b.Append(CultureInfo.InvariantCulture, $"; {t.ExcludedUsPersons} account(s) left out as US persons (this instrument may not target them)");
            }
            b.Append(".</p>");
            foreach (var group in t.Sample.GroupBy(s => s.GetType()))
            {
                var rows = group.Cast<IDisclosureRow>().ToList();
                var fields = FieldsOf(rows[0]);
                b.Append("<table class=\"sample\"><thead><tr>").AppendJoin("", fields.Select(f => $"<th>{Html.Encode(f)}</th>")).Append("</tr></thead><tbody>");
                foreach (var r in rows)
                {
                    b.Append("<tr>").AppendJoin("", r.CsvValues().Select(v => $"<td>{Html.Encode(v ?? "")}</td>")).Append("</tr>");
                }
                b.Append("</tbody></table>");
            }
            b.Append("</section>");
        }
        if (preview.State is "Approved" or "PartiallyApproved" or "Preserved" && preview.Tasks.Any(t => t.Decision == "Approved"))
        {
            b.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"/legal/orders/{preview.OrderId}/disclosure\">{Html.Token(af.GetAndStoreTokens(http))}<button type=\"submit\">Build and deliver the package</button></form>");
        }
        b.Append("</main>");
        return Html.Page($"Preview of order {preview.OrderId}", b.ToString());
    }

    private static async Task<IResult> BuildAsync(long id, HttpContext http, DisclosureService service, CancellationToken ct)
    {
        var (name, role) = Actor(http);
        var (package, refusal) = await service.BuildAsync(id, name, role, ct);
        if (refusal is not null || package is null)
        {
            return Html.Page("Not disclosed", $"<main><h1>Not disclosed</h1>{Html.Error(refusal?.Message)}<p><a href=\"/legal/orders/{id}/preview\">Back to the preview</a></p></main>", refusal?.Status ?? 500);
        }
        return Html.Page("Disclosed", string.Create(CultureInfo.InvariantCulture,
            $"<main><h1>Disclosed</h1><p>Package {package.Id} of order {package.OrderId}: {package.RecordCount} record(s), {package.SizeBytes} bytes, SHA-256 <code>{package.Sha256}</code>. The authority can download it once until {Html.Encode(Time(package.ExpiresAt))}.</p></main>"));
    }

    private static async Task<IResult> ListAsync(HttpContext http, DisclosureService service, TimeProvider time, CancellationToken ct)
    {
        if (AuthorityPortal.AuthorityIdOf(http.User) is not { } authority)
        {
            return Results.Forbid();
        }
        var now = time.GetUtcNow();
        var list = await service.ListForAuthorityAsync(authority, ct);
        var b = new StringBuilder("<main><h1>Disclosures</h1>");
        if (list.Count == 0)
        {
            b.Append("<p>No disclosure packages.</p>");
        }
        else
        {
            b.Append("<p>Each package can be downloaded once, before it expires. It is CMS EnvelopedData for your authority's certificate: <code>openssl cms -decrypt -inform DER -in FILE.p7m -recip CERT.pem -inkey KEY.pem -out package.zip</code>.</p>");
            b.Append("<table><thead><tr><th>Package</th><th>Order reference</th><th>Created</th><th>Records</th><th>Size</th><th>SHA-256</th><th>Expires</th><th>Download</th></tr></thead><tbody>");
            foreach (var (p, reference) in list)
            {
                var link = p.DownloadedAt is { } d ? $"downloaded {Html.Encode(Time(d))} by {Html.Encode(p.DownloadedBy ?? "")}"
                    : now >= p.ExpiresAt ? "expired"
                    : $"<a class=\"download\" href=\"{DisclosureDelivery.DownloadPath(p.Id)}\" download=\"{Html.Encode(p.FileName)}\">Download {Html.Encode(p.FileName)}</a>";
                b.Append(CultureInfo.InvariantCulture,
                    $"<tr data-package=\"{p.Id}\"><td>{p.Id}</td><td>{Html.Encode(reference)}</td><td>{Html.Encode(Time(p.CreatedAt))}</td><td>{p.RecordCount}</td><td>{p.SizeBytes}</td><td><code>{p.Sha256}</code></td><td>{Html.Encode(Time(p.ExpiresAt))}</td><td>{link}</td></tr>");
            }
            b.Append("</tbody></table>");
        }
        b.Append("</main>");
        return Html.Page("Disclosures", b.ToString());
    }

    private static async Task<IResult> DownloadAsync(long id, HttpContext http, DisclosureService service, CancellationToken ct)
    {
        if (AuthorityPortal.AuthorityIdOf(http.User) is not { } authority)
        {
            return Results.Forbid();
        }
        var (outcome, package, content) = await service.DownloadAsync(id, authority, http.User.Identity?.Name ?? "unknown", ct);
        return outcome switch
        {
            DownloadOutcome.Ok => Results.File(content!, DisclosureDelivery.ContentType, package!.FileName),
            DownloadOutcome.NotFound => Html.Page("Not found", "<main><h1>Not found</h1><p>No such package for your authority.</p></main>", 404),
            DownloadOutcome.Expired => Html.Page("Expired", "<main><h1>Gone</h1><p id=\"refused\">This package expired and can no longer be downloaded.</p></main>", 410),
            _ => Html.Page("Already downloaded", string.Create(CultureInfo.InvariantCulture,
                $"<main><h1>Gone</h1><p id=\"refused\">This package was already downloaded ({Html.Encode(Time(package?.DownloadedAt))}) and cannot be downloaded again.</p></main>"), 410),
        };
    }

    private static IReadOnlyList<string> FieldsOf(IDisclosureRow row) => row switch
    {
        SubscriberRow => SubscriberRow.Fields,
        UserIdentityRow => UserIdentityRow.Fields,
        AccessLogRow => AccessLogRow.Fields,
        MessageRow => MessageRow.Fields,
        StoredContentRow => StoredContentRow.Fields,
        _ => MediaHashRow.Fields,
    };

    private static string Time(DateTimeOffset? t) => t is { } v ? RowText.Time(v) : "-";
}
