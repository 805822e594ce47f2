using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Portal;
using Vigil.Storage;

namespace Vigil.Authorities;

/// <summary>The legal officers' registry pages under <c>/legal/authorities</c>, and the registration of the registry and portal.</summary>
public static class AuthorityEndpoints
{
    private const string Policy = StaffRoles.LegalOfficer;

    /// <summary>Registers the registry and the check that a portal user's authority is still active.</summary>
    public static IServiceCollection AddAuthorities(this IServiceCollection services)
    {
        services.AddScoped<AuthorityRegistry>();
        services.AddScoped<IAuthorizationHandler, ActiveAuthorityHandler>();
        return services;
    }

    /// <summary>Maps <c>/legal/authorities</c> (legal officers) and the authority portal <c>/portal</c>.</summary>
    public static void MapAuthorities(this IEndpointRouteBuilder app)
    {
        app.MapGet("/legal/authorities", async (AuthorityRegistry r, CancellationToken ct) => AuthorityPages.List(await r.ListAsync(ct)))
            .RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapGet("/legal/authorities/new", (HttpContext http, IAntiforgery af) =>
            AuthorityPages.Form(af.GetAndStoreTokens(http), null, new AuthorityInput(Kind: nameof(AuthorityKind.Police)), []))
            .RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities", CreateAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapGet("/legal/authorities/{code}", DetailAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapGet("/legal/authorities/{code}/edit", EditFormAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/edit", UpdateAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/keys", AddKeyAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/keys/revoke", (string code, HttpContext http, IFormCollection form, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(code, "revoke", http, r, db, af, time, async () =>
            {
                var changed = await r.RevokeKeyAsync(form["key_id"].ToString(), form["reason"].ToString(), Actor(http), Policy, ct);
                return changed ? $"key {form["key_id"]} revoked" : "the key was already revoked";
            }, ct)).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/callbacks", (string code, HttpContext http, IFormCollection form, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(code, "callback", http, r, db, af, time, async () =>
                await r.AddCallbackNumberAsync(code, form["number"].ToString(), Actor(http), Policy, ct) ? "callback number added" : "that number was already registered", ct))
            .RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/encryption-certificate", (string code, HttpContext http, IFormCollection form, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(code, "certificate", http, r, db, af, time, async () =>
            {
                await r.SetEncryptionCertificateAsync(code, form["pem"].ToString(), Actor(http), Policy, ct);
                return "encryption certificate set";
            }, ct)).RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/disable", (string code, HttpContext http, IFormCollection form, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(code, "disable", http, r, db, af, time, async () =>
                await r.DisableAsync(code, form["reason"].ToString(), Actor(http), Policy, ct) ? "authority disabled" : "the authority was already disabled", ct))
            .RequireAuthorization(Policy).ExcludeFromDescription();
        app.MapPost("/legal/authorities/{code}/users", AddUserAsync).RequireAuthorization(Policy).ExcludeFromDescription();
        PortalEndpoints.MapPortal(app);
    }

    internal static string Actor(HttpContext http) => http.User.Identity?.Name ?? "unknown";

    private static AuthorityInput Input(IFormCollection form, bool withCode) => new(
        Code: withCode ? form["code"].ToString() : null,
        CountryCode: form["country"].ToString(),
        Name: form["name"].ToString(),
        Kind: form["kind"].ToString(),
        Instruments: [.. form["instruments"].Select(v => v ?? "")],
        CallbackNumbers: [.. form["callback_numbers"].ToString().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)],
        ReferralEndpoint: form["referral_endpoint"].ToString(),
        ReceivesReferrals: form["receives_referrals"].ToString() == "true",
        EncryptionCertificatePem: withCode ? form["encryption_certificate"].ToString() : null);

    private static async Task<IResult> CreateAsync(HttpContext http, IFormCollection form, AuthorityRegistry r, IAntiforgery af, CancellationToken ct)
    {
        var input = Input(form, withCode: true);
        try
        {
            var a = await r.CreateAsync(input, Actor(http), Policy, ct);
            return Results.Redirect("/legal/authorities/" + Uri.EscapeDataString(a.Code));
        }
        catch (AuthorityRegistryException e)
        {
            return AuthorityPages.Form(af.GetAndStoreTokens(http), null, input, e.Errors, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> DetailAsync(string code, HttpContext http, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
        await RenderDetailAsync(code, http, r, db, af, time, null, null, null, StatusCodes.Status200OK, ct);

    private static async Task<IResult> RenderDetailAsync(string code, HttpContext http, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time,
        string? form, IReadOnlyList<RegistryError>? errors, string? notice, int status, CancellationToken ct)
    {
        var a = await r.FindAsync(code, ct);
        if (a is null)
        {
            return AuthorityPages.Message("Not found", $"No authority {code}.", StatusCodes.Status404NotFound);
        }
        var users = await db.Users.AsNoTracking().Where(u => u.AuthorityId == a.Id).OrderBy(u => u.Email).ToListAsync(ct);
        return AuthorityPages.Detail(af.GetAndStoreTokens(http), a, users, time.GetUtcNow(), form, errors, notice, status);
    }

    private static async Task<IResult> EditFormAsync(string code, HttpContext http, AuthorityRegistry r, IAntiforgery af, CancellationToken ct)
    {
        var a = await r.FindAsync(code, ct);
        return a is null
            ? AuthorityPages.Message("Not found", $"No authority {code}.", StatusCodes.Status404NotFound)
            : AuthorityPages.Form(af.GetAndStoreTokens(http), a.Code, new AuthorityInput(
                a.Code, a.CountryCode, a.Name, a.Kind.ToString(), [.. a.Instruments.Select(i => InstrumentRules.For(i).Code)], a.CallbackNumbers,
                a.ReferralEndpoint, a.ReceivesReferrals), []);
    }

    private static async Task<IResult> UpdateAsync(string code, HttpContext http, IFormCollection form, AuthorityRegistry r, IAntiforgery af, CancellationToken ct)
    {
        var input = Input(form, withCode: false);
        try
        {
            var a = await r.UpdateAsync(code, input, Actor(http), Policy, ct);
            return Results.Redirect("/legal/authorities/" + Uri.EscapeDataString(a.Code));
        }
        catch (AuthorityRegistryException e) when (e.Errors.Any(x => x.Field != "code"))
        {
            return AuthorityPages.Form(af.GetAndStoreTokens(http), code.ToUpperInvariant(), input, e.Errors, StatusCodes.Status400BadRequest);
        }
        catch (AuthorityRegistryException)
        {
            return AuthorityPages.Message("Not found", $"No authority {code}.", StatusCodes.Status404NotFound);
        }
    }

    private static async Task<IResult> AddKeyAsync(string code, HttpContext http, IFormCollection form, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct)
    {
        return await ChangeAsync(code, "key", http, r, db, af, time, async () =>
        {
            var pem = form["pem"].ToString();
            if (form["kind"].ToString() == "certificate")
            {
                var cert = await r.AddClientCertificateAsync(code, pem, Actor(http), Policy, ct);
                return $"client certificate {cert.KeyId} added";
            }
            var from = Time(form["not_before"].ToString(), "not_before");
            var to = Time(form["not_after"].ToString(), "not_after");
            var key = await r.AddJwsKeyAsync(code, form["key_id"].ToString(), form["algorithm"].ToString(), pem, from, to, Actor(http), Policy, ct);
            return $"key {key.KeyId} added";
        }, ct);
    }

    /// <summary>An optional <c>datetime-local</c> value, read as UTC.</summary>
    internal static DateTimeOffset? Time(string text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];
        return DateTimeOffset.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new AuthorityRegistryException(field, $"'{text}' is not a date and time (yyyy-mm-ddThh:mm, UTC)");
    }

    private static async Task<IResult> AddUserAsync(string code, HttpContext http, IFormCollection form, AuthorityRegistry r, VigilDb db, IAntiforgery af,
        TimeProvider time, StaffAccounts accounts, CancellationToken ct)
    {
        var a = await r.FindAsync(code, ct);
        if (a is null)
        {
            return AuthorityPages.Message("Not found", $"No authority {code}.", StatusCodes.Status404NotFound);
        }
        if (a.DisabledAt is not null)
        {
            return await RenderDetailAsync(code, http, r, db, af, time, "user", [new("email", "the authority is disabled")], null, StatusCodes.Status400BadRequest, ct);
        }
        try
        {
            var created = await accounts.CreatePortalUserAsync(form["email"].ToString(), a.Id, a.Code, Actor(http), Policy, ct);
            return AuthorityPages.NewUser(a, created);
        }
        catch (AccountException e)
        {
            return await RenderDetailAsync(code, http, r, db, af, time, "user", [new("email", e.Message)], null, StatusCodes.Status400BadRequest, ct);
        }
    }

    /// <summary>Runs one change from the detail page: back to the page with a notice, or with the form's errors (400; 404 for an unknown authority).</summary>
    private static async Task<IResult> ChangeAsync(string code, string form, HttpContext http, AuthorityRegistry r, VigilDb db, IAntiforgery af, TimeProvider time,
        Func<Task<string>> change, CancellationToken ct)
    {
        if (await r.FindAsync(code, ct) is null)
        {
            return AuthorityPages.Message("Not found", $"No authority {code}.", StatusCodes.Status404NotFound);
        }
        try
        {
            var notice = await change();
            db.ChangeTracker.Clear();
            return await RenderDetailAsync(code, http, r, db, af, time, null, null, notice, StatusCodes.Status200OK, ct);
        }
        catch (AuthorityRegistryException e)
        {
            db.ChangeTracker.Clear();
            return await RenderDetailAsync(code, http, r, db, af, time, form, e.Errors, null, StatusCodes.Status400BadRequest, ct);
        }
    }
}
