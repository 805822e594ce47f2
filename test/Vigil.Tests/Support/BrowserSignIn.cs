using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Vigil.Accounts;
using Vigil.Tests.Server;

namespace Vigil.Tests.Support;

/// <summary>Signs a user in through the real sign-in pages (password, then TOTP code) in Chromium; shared by the browser tests.</summary>
internal static class BrowserSignIn
{
    /// <summary>Identity's authenticator provider accepts a code up to two 30-second steps either side of its own clock.</summary>
    private const int ServerToleranceSteps = 2;

    private const int MaxCodes = 3;

    /// <summary>
    /// Signs <paramref name="account"/> in on <paramref name="page"/>, which must show the password form (<c>/login</c>,
    /// or a page that bounced there), and returns once the browser is where <paramref name="landed"/> expects.
    /// </summary>
    /// <remarks>
    /// A TOTP code is good for only 60 to 90 seconds after it is computed, while CI (two cores shared with the server
    /// tests and PostgreSQL) lets one browser step take up to 120 s. So the server's answer to each code is read: a
    /// code that aged out of the server's window before it arrived is replaced by a fresh one, as a person would do;
    /// any other refusal fails at once with what the page says, instead of waiting out the timeout on the wrong page.
    /// </remarks>
    /// <param name="clock">Where the codes' time comes from; the system clock unless a test ages a code on purpose.</param>
    public static async Task SignInAsync(IPage page, NewStaffAccount account, Func<string, bool> landed, string submit = "button[type=submit]", TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(landed);
        clock ??= TimeProvider.System;
        await page.FillAsync("input[name=email]", account.Email);
        await page.FillAsync("input[name=password]", account.Password);
        await page.ClickAsync(submit);
        await page.WaitForURLAsync("**/login/2fa**");
        for (var attempt = 1; ; attempt++)
        {
            var computed = clock.GetUtcNow();
            await page.FillAsync("input[name=code]", Totp.Code(account.AuthenticatorKey, computed));
            // Click waits for the navigation it starts, so the answer is in and the page shows it when this returns.
            var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync(submit),
                r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/login/2fa");
            var answered = clock.GetUtcNow();
            if (answer.Status == StatusCodes.Status302Found)
            {
                await WaitForLandingAsync(page, account, landed);
                return;
            }
            // The server checked the code somewhere between these two instants. Only if the second is past the code's
            // window can the refusal be the code's age; a refusal inside the window is a real failure.
            var aged = Totp.Step(answered) > Totp.Step(computed) + ServerToleranceSteps;
            if (answer.Status == StatusCodes.Status401Unauthorized && aged && attempt < MaxCodes)
            {
                continue;
            }
            var shown = await TextAsync(page);
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"sign-in of {account.Email}: the server answered {answer.Status} to a code computed {(answered - computed).TotalSeconds:F0} s earlier (attempt {attempt}); the page shows: {shown}"));
        }
    }

    private static async Task WaitForLandingAsync(IPage page, NewStaffAccount account, Func<string, bool> landed)
    {
        try
        {
            await page.WaitForURLAsync(landed);
        }
        catch (TimeoutException e)
        {
            var shown = await TextAsync(page);
            throw new InvalidOperationException($"sign-in of {account.Email} was accepted but the browser is on {page.Url}: {shown}", e);
        }
    }

    private static async Task<string> TextAsync(IPage page)
    {
        try
        {
            return (await page.InnerTextAsync("body", new() { Timeout = 5_000 })).ReplaceLineEndings(" ");
        }
        catch (TimeoutException)
        {
            return "(no text)";
        }
    }
}
