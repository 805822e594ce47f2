using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Platforms;

/// <summary>
/// Authenticates <c>Authorization: Bearer vgl_...</c> as a platform. Failures answer 401 with a JSON problem body
/// rather than the staff sign-in redirect, since the caller is a program.
/// </summary>
public sealed class PlatformKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PlatformKey";
    public const string Policy = "platform";
    public const string PlatformIdClaim = "vigil:platform_id";

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
            return AuthenticateResult.Fail("the Authorization header is not 'Bearer vgl_...'");
        }
        var keys = new PlatformKeys(Context.RequestServices.GetRequiredService<VigilDb>(), Context.RequestServices.GetRequiredService<LedgerLog>(), TimeProvider);
        var platform = await keys.VerifyAsync(header[bearer.Length..].Trim(), Context.RequestAborted);
        if (platform is null)
        {
            return AuthenticateResult.Fail("unknown or revoked API key");
        }
        var limits = (Context.RequestServices.GetService<PlatformLimitsOptions>() ?? new PlatformLimitsOptions()).Effective(platform);
        var identity = new ClaimsIdentity(
            [new Claim(PlatformIdClaim, platform.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, platform.Name),
             .. PlatformLimitClaims.For(limits)],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "an API key is required: Authorization: Bearer vgl_...";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await Results.Problem(detail: "this API key may not use this endpoint", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden").ExecuteAsync(Context);
    }
}
