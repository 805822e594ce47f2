using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Ledger;

namespace Vigil.Server;

/// <summary>
/// Server-rendered sign-in in two steps (password, then the TOTP code), and sign-out. Every outcome is written to the
/// ledger; the password and the code never are.
/// </summary>
internal static class LoginEndpoints
{
    private const string Anonymous = "anonymous";
    private const string Unknown = "unknown";

    public static void MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery af, [FromQuery(Name = "ReturnUrl")] string? returnUrl) =>
            Html.Page("Sign in", PasswordForm(af.GetAndStoreTokens(http), LocalOrRoot(returnUrl), null))).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async ([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl, HttpContext http, IAntiforgery af,
            SignInManager<StaffUser> signIn, LedgerLog ledger, CancellationToken ct) =>
        {
            email = (email ?? "").Trim();
            returnUrl = LocalOrRoot(returnUrl);
            if (email.Length == 0 || string.IsNullOrEmpty(password))
            {
                return Html.Page("Sign in", PasswordForm(af.GetAndStoreTokens(http), returnUrl, "Enter your e-mail address and password."), StatusCodes.Status400BadRequest);
            }
            var result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
            if (result.RequiresTwoFactor)
            {
                return Results.Redirect("/login/2fa?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
            }
            if (result.Succeeded)
            {
                // Every staff account must use two-factor; one without it (edited by hand) is refused.
                await signIn.SignOutAsync();
                await ledger.AppendAsync(AccountAudit.Event(Anonymous, Unknown, AccountAudit.LoginFailed, email, "password accepted but two-factor is not set up"), ct);
                return Html.Page("Sign in", PasswordForm(af.GetAndStoreTokens(http), returnUrl, "This account has no two-factor authentication; ask an admin."), StatusCodes.Status403Forbidden);
            }
            if (result.IsLockedOut)
            {
                await ledger.AppendAsync(AccountAudit.Event(Anonymous, Unknown, AccountAudit.LockedOut, email, "password sign-in refused: account locked out"), ct);
                return Html.Page("Sign in", PasswordForm(af.GetAndStoreTokens(http), returnUrl, "Account locked after repeated failures. Try again later."), StatusCodes.Status423Locked);
            }
            await ledger.AppendAsync(AccountAudit.Event(Anonymous, Unknown, AccountAudit.LoginFailed, email, "wrong e-mail address or password"), ct);
            return Html.Page("Sign in", PasswordForm(af.GetAndStoreTokens(http), returnUrl, "Wrong e-mail address or password."), StatusCodes.Status401Unauthorized);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/login/2fa", async (HttpContext http, IAntiforgery af, SignInManager<StaffUser> signIn, [FromQuery(Name = "ReturnUrl")] string? returnUrl) =>
            await signIn.GetTwoFactorAuthenticationUserAsync() is null
                ? Results.Redirect("/login")
                : Html.Page("Two-factor code", CodeForm(af.GetAndStoreTokens(http), LocalOrRoot(returnUrl), null))).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login/2fa", async ([FromForm] string? code, [FromForm] string? returnUrl, HttpContext http, IAntiforgery af,
            SignInManager<StaffUser> signIn, LedgerLog ledger, CancellationToken ct) =>
        {
            var user = await signIn.GetTwoFactorAuthenticationUserAsync();
            if (user is null)
            {
                return Results.Redirect("/login");
            }
            var email = user.Email ?? user.UserName ?? user.Id;
            returnUrl = LocalOrRoot(returnUrl);
            var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            var result = await signIn.TwoFactorAuthenticatorSignInAsync(digits, isPersistent: false, rememberClient: false);
            if (result.Succeeded)
            {
                if (await Portal.PortalAccess.RefuseSignInAsync(http, user, signIn, ledger, ct) is { } refused)
                {
                    return refused;
                }
                var roles = await signIn.UserManager.GetRolesAsync(user);
                await ledger.AppendAsync(AccountAudit.Event(email, RoleList(roles), AccountAudit.Login, email, "signed in with password and TOTP code"), ct);
                return Results.Redirect(Portal.PortalAccess.Landing(user, returnUrl));
            }
            if (result.IsLockedOut || await signIn.UserManager.IsLockedOutAsync(user))
            {
                await ledger.AppendAsync(AccountAudit.Event(Anonymous, Unknown, AccountAudit.LockedOut, email, "two-factor sign-in refused: account locked out"), ct);
                return Html.Page("Two-factor code", CodeForm(af.GetAndStoreTokens(http), returnUrl, "Account locked after repeated failures. Try again later."), StatusCodes.Status423Locked);
            }
            await ledger.AppendAsync(AccountAudit.Event(Anonymous, Unknown, AccountAudit.TwoFactorFailed, email, "wrong TOTP code"), ct);
            return Html.Page("Two-factor code", CodeForm(af.GetAndStoreTokens(http), returnUrl, "Wrong code."), StatusCodes.Status401Unauthorized);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/logout", async (HttpContext http, SignInManager<StaffUser> signIn, LedgerLog ledger, CancellationToken ct) =>
        {
            var email = http.User.Identity?.Name ?? Unknown;
            await signIn.SignOutAsync();
            await ledger.AppendAsync(AccountAudit.Event(email, Unknown, AccountAudit.Logout, email, "signed out"), ct);
            return Results.Redirect("/login");
        }).RequireAuthorization(StaffRoles.AnyStaff).DisableAntiforgery().ExcludeFromDescription()
          // No form fields, so the token is checked here rather than by form binding.
          .AddEndpointFilter(async (ctx, next) =>
          {
              var af = ctx.HttpContext.RequestServices.GetRequiredService<IAntiforgery>();
              return await af.IsRequestValidAsync(ctx.HttpContext) ? await next(ctx) : Results.BadRequest("antiforgery token missing or invalid");
          });
    }

    /// <summary>Only a path on this server: anything that could leave it (<c>//host</c>, <c>/\host</c>, a scheme) becomes <c>/</c>.</summary>
    internal static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Any(char.IsControl)
            ? url
            : "/";

    private static string RoleList(IList<string> roles) => roles.Count == 0 ? Unknown : string.Join(",", roles.Order(StringComparer.Ordinal));

    private static string ReturnField(string returnUrl) => $"<input type=\"hidden\" name=\"returnUrl\" value=\"{Html.Encode(returnUrl)}\">";

    private static string PasswordForm(AntiforgeryTokenSet tokens, string returnUrl, string? error) => $"""
        <h1>Sign in to Vigil</h1>
        {Html.Error(error)}
        <form method="post" action="/login">
          {Html.Token(tokens)}
          {ReturnField(returnUrl)}
          <label>E-mail <input type="email" name="email" autocomplete="username" required autofocus></label>
          <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
          <button type="submit">Continue</button>
        </form>
        """;

    private static string CodeForm(AntiforgeryTokenSet tokens, string returnUrl, string? error) => $"""
        <h1>Two-factor code</h1>
        {Html.Error(error)}
        <form method="post" action="/login/2fa">
          {Html.Token(tokens)}
          {ReturnField(returnUrl)}
          <label>Code from your authenticator app <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{"{6,7}"}" required autofocus></label>
          <button type="submit">Sign in</button>
        </form>
        """;
}
