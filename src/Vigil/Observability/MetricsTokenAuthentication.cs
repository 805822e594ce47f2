using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Observability;

/// <summary>
/// Authenticates a Prometheus scrape: <c>Authorization: Bearer vmt_...</c>. Only the <see cref="Policy"/> policy (on
/// <c>/metrics</c>) uses this scheme; failures answer a plain 401, as a scraper reads status codes, not pages.
/// </summary>
public sealed class MetricsTokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MetricsToken";
    public const string Policy = "metrics";
    public const string TokenNameClaim = "vigil:metrics_token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        const string bearer = "Bearer ";
        if (!header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("the Authorization header is not 'Bearer vmt_...'");
        }
        var tokens = new MetricsTokens(Context.RequestServices.GetRequiredService<VigilDb>(), Context.RequestServices.GetRequiredService<LedgerLog>(), TimeProvider);
        var name = await tokens.VerifyAsync(header[bearer.Length..].Trim(), Context.RequestAborted);
        if (name is null)
        {
            return AuthenticateResult.Fail("unknown or revoked metrics token");
        }
        var identity = new ClaimsIdentity([new Claim(TokenNameClaim, name), new Claim(ClaimTypes.Name, "metrics:" + name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(detail: result.Failure?.Message ?? "a metrics token is required: Authorization: Bearer vmt_...", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized")
            .ExecuteAsync(Context);
    }
}
