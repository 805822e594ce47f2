using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Ledger;
using Vigil.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Server;

/// <summary>The real server on 127.0.0.1 with a free port, over a fresh SQLite or PostgreSQL store.</summary>
internal sealed partial class RunningServer : IAsyncDisposable
{
    private RunningServer(TestStore store, WebApplication app, Uri address)
    {
        Store = store;
        App = app;
        Address = address;
    }

    public TestStore Store { get; }

    public WebApplication App { get; }

    public Uri Address { get; }

    public LedgerLog Ledger => App.Services.GetRequiredService<LedgerLog>();

    /// <summary>Creates the accounts through the code <c>vigil user add</c> runs, then starts the server.</summary>
    public static Task<(RunningServer Server, IReadOnlyDictionary<string, NewStaffAccount> Accounts)> StartAsync(string provider, params (string Email, string Role)[] accounts) =>
        StartAsync(provider, TimeProvider.System, accounts);

    /// <summary>As above, with the server running on <paramref name="time"/> (e.g. a fixed clock for dated test vectors).</summary>
    public static async Task<(RunningServer Server, IReadOnlyDictionary<string, NewStaffAccount> Accounts)> StartAsync(string provider, TimeProvider time, params (string Email, string Role)[] accounts)
    {
        var store = await TestStore.CreateAsync(provider);
        try
        {
            var created = new Dictionary<string, NewStaffAccount>(StringComparer.Ordinal);
            if (accounts.Length > 0)
            {
                await using var session = await StaffAccountsSession.OpenAsync(store.Store, TimeProvider.System, CancellationToken.None);
                foreach (var (email, role) in accounts)
                {
                    created[email] = await session.Accounts.CreateAsync(email, role, "test", "operator", CancellationToken.None);
                }
            }
            var app = await VigilServer.BuildAsync(store.Store, "http://127.0.0.1:0", time, CancellationToken.None);
            await app.StartAsync();
            var address = new Uri(VigilServer.Addresses(app).Single());
            Assert.NotEqual(0, address.Port);
            return (new RunningServer(store, app, address), created);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public HttpClient Client() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = Address };

    public IReadOnlyList<LedgerEntry> LedgerEntries()
    {
        var size = Ledger.Size();
        var all = new List<LedgerEntry>((int)size);
        for (long i = 0; i < size; i++)
        {
            all.Add(Ledger.ReadEntry(i));
        }
        return all;
    }

    public static async Task<string> FormTokenAsync(HttpClient client, string path)
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var m = TokenField().Match(html);
        Assert.True(m.Success, "no antiforgery field in " + path);
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostPasswordAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var token = await FormTokenAsync(client, "/login");
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));
    }

    public static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string code, string returnUrl = "/")
    {
        var token = await FormTokenAsync(client, "/login/2fa");
        return await client.PostAsync("/login/2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["code"] = code,
            ["returnUrl"] = returnUrl,
        }));
    }

    /// <summary>Signs in with password then a TOTP code computed here from the account's secret.</summary>
    public static async Task<HttpClient> SignedInAsync(RunningServer server, NewStaffAccount account)
    {
        var client = server.Client();
        var first = await PostPasswordAsync(client, account.Email, account.Password);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/login/2fa?ReturnUrl=%2F", first.Headers.Location?.OriginalString);
        var second = await PostCodeAsync(client, Totp.Code(account.AuthenticatorKey, TimeProvider.System.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        // Staff land on the home page, authority portal users on the portal.
        Assert.Contains(second.Headers.Location?.OriginalString, new[] { "/", "/portal" });
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Store.DisposeAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
