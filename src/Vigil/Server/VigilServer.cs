using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Accounts;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Ledger.Http;
using Vigil.Pipeline;
using Vigil.Observability;
using Vigil.Platforms;
using Vigil.Storage;
using Vigil.Webhooks;

namespace Vigil.Server;

/// <summary>Builds the <c>vigil serve</c> host: Kestrel, staff sign-in with two-factor, role policies, the ledger API.</summary>
public static class VigilServer
{
    public const string CookieName = "vigil.auth";

    /// <summary>
    /// Applies the store's migrations and builds the web host listening on <paramref name="urls"/>
    /// (e.g. <c>http://127.0.0.1:0</c> for a free port; read the bound address after start).
    /// </summary>
    public static Task<WebApplication> BuildAsync(VigilStore store, string urls, TimeProvider time, CancellationToken ct) =>
        BuildAsync(store, urls, time, null, ct);

    /// <summary>
    /// As above; <paramref name="tls"/> (a certificate with its private key) serves the <c>https://</c> addresses in
    /// <paramref name="urls"/>. Those ask the client for a certificate without requiring one: an authority may
    /// authenticate HI-1 requests by mutual TLS with a client certificate registered for it (<see cref="Hi1.Hi1Intake"/>),
    /// and everyone else (staff, platforms) connects without one. The TLS layer accepts any client certificate that
    /// proves its key; which ones count is decided against the authority registry, not a CA.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(VigilStore store, string urls, TimeProvider time, X509Certificate2? tls, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        await using (var db = await store.OpenAsync(ct))
        {
            // Migrated here so /ready reports a usable database from the first request.
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(VigilServer).Assembly.GetName().Name,
            ContentRootPath = store.DataDirectory.FullName,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls(urls);
        if (tls is not null)
        {
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h =>
            {
                h.ServerCertificate = tls;
                h.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                h.ClientCertificateValidation = (_, _, _) => true;
            }));
        }
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Start failures are rethrown and reported by 'vigil serve' as one line; the host's own stack trace is noise.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(store);
        services.AddScoped<VigilDb>(_ => store.CreateContext());
        // One ledger per process; the container disposes it at shutdown.
        services.AddSingleton(_ => LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time }));
        services.AddScoped<StaffAccounts>();
        services.AddDetectionPipeline(store);
        Desk.DeskEndpoints.AddDesk(services, store);
        Legal.LegalEndpoints.AddLegalDesk(services);
        Authorities.AuthorityEndpoints.AddAuthorities(services);
        Hi1.Hi1Endpoints.AddHi1(services);

        // Keys persist in the data folder (owner-only) so sign-in cookies survive a restart and the CLI can
        // encrypt webhook secrets the server decrypts.
        services.AddDataProtection().PersistToDataFolder(store.DataDirectory);

        services.AddIdentity<StaffUser, IdentityRole>(StaffIdentity.Configure)
            .AddEntityFrameworkStores<VigilDb>()
            .AddClaimsPrincipalFactory<StaffClaimsPrincipalFactory>()
            .AddTokenProvider<AuthenticatorTokenProvider<StaffUser>>(TokenOptions.DefaultAuthenticatorProvider);
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // A signed-in user without the role gets a plain 403, not a redirect to a page that does not exist.
            o.Events.OnRedirectToAccessDenied = ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(5));

        // Platforms call the API with 'Authorization: Bearer vgl_...'; only the "platform" policy uses this scheme.
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, PlatformKeyAuthenticationHandler>(PlatformKeyAuthenticationHandler.SchemeName, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(StaffRoles.AnyStaff, p => p.RequireRole(StaffRoles.All))
            .AddPolicy(StaffRoles.Moderator, p => p.RequireRole(StaffRoles.Moderator))
            .AddPolicy(StaffRoles.TrustAndSafetyLead, p => p.RequireRole(StaffRoles.TrustAndSafetyLead))
            .AddPolicy(StaffRoles.LegalOfficer, p => p.RequireRole(StaffRoles.LegalOfficer))
            .AddPolicy(StaffRoles.Overseer, p => p.RequireRole(StaffRoles.Overseer))
            .AddPolicy(StaffRoles.Admin, p => p.RequireRole(StaffRoles.Admin))
            .AddPolicy(AuthorityPortal.Policy, p => p.RequireRole(StaffRoles.AuthorityUser).RequireClaim(AuthorityPortal.AuthorityClaim))
            .AddPolicy(PlatformKeyAuthenticationHandler.Policy, p => p
                .AddAuthenticationSchemes(PlatformKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(PlatformKeyAuthenticationHandler.PlatformIdClaim));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "vigil.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddOpenApi();
        Webhooks.WebhookServices.AddWebhooks(services);
        Referrals.ReferralServices.AddReferrals(services);
        services.AddVigilOperations(builder.Configuration);
        Records.RecordsEndpoints.AddRecords(services, store);
        Disclosure.DisclosureEndpoints.AddDisclosure(services, store, time);
        // A TLS-terminating proxy on this host (loopback, the default known proxy) tells us the scheme, so cookies get Secure.
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.Use(async (ctx, next) =>
        {
            var h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'";
            h["Referrer-Policy"] = "no-referrer";
            ApiReference.UseContentSecurityPolicy(ctx);
            await next(ctx);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UsePlatformRateLimits();
        app.UseAntiforgery();

        app.MapHealth();
        app.MapLogin();
        app.MapGet("/", HomePage.Render).RequireAuthorization(StaffRoles.AnyStaff).ExcludeFromDescription();
        app.MapOpenApi().RequireAuthorization(StaffRoles.AnyStaff);
        app.MapIngest();
        Records.RecordsEndpoints.MapRecords(app);
        Webhooks.WebhookEndpoints.MapWebhooks(app);
        app.MapDetectionPipeline();
        app.MapVigilOperations();
        Desk.DeskEndpoints.MapDesk(app);
        Legal.LegalEndpoints.MapLegalDesk(app);
        Authorities.AuthorityEndpoints.MapAuthorities(app);
        Disclosure.DisclosureEndpoints.MapDisclosure(app);
        Referrals.ReferralServices.MapReferrals(app);
        Hi1.Hi1Endpoints.MapHi1(app);
        app.MapLedger(app.Services.GetRequiredService<LedgerLog>()).RequireAuthorization(StaffRoles.Overseer);
        return app;
    }

    /// <summary>The addresses the started server is bound to (with the real port when 0 was asked for).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return [.. app.Urls];
    }

    /// <summary>Maps <c>/health</c> (the process answers) and <c>/ready</c> (the database answers and is migrated).</summary>
    private static void MapHealth(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Text("ok\n")).AllowAnonymous();
        app.MapGet("/ready", async (VigilDb db, CancellationToken ct) =>
        {
            try
            {
                if (!await db.Database.CanConnectAsync(ct))
                {
                    return Results.Text("database unreachable\n", statusCode: StatusCodes.Status503ServiceUnavailable);
                }
                var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
                return pending.Count == 0
                    ? Results.Text("ready\n")
                    : Results.Text($"{pending.Count} migration(s) pending\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                return Results.Text("database unreachable\n", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();
    }
}
