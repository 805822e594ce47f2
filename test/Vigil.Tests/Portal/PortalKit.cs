using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Tests.Server;

namespace Vigil.Tests.Portal;

/// <summary>A running server with a legal officer and a moderator, and helpers for authorities, portal users and orders.</summary>
internal static class PortalKit
{
    public const string Officer = "officer@example.org";
    public const string Moderator = "mod@example.org";

    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    public static Task<(RunningServer Server, IReadOnlyDictionary<string, NewStaffAccount> Accounts)> StartAsync(string provider) =>
        RunningServer.StartAsync(provider, (Officer, StaffRoles.LegalOfficer), (Moderator, StaffRoles.Moderator));

    public static async Task<Authority> AuthorityAsync(RunningServer server, string code, params string[] instruments)
    {
        using var scope = server.App.Services.CreateScope();
        var registry = scope.ServiceProvider.GetRequiredService<AuthorityRegistry>();
        return await registry.CreateAsync(new AuthorityInput(code, "GB", code + " Police", "Police",
            instruments.Length > 0 ? instruments : ["LEGAL", "EDR", "UKUS-OPO"], ["+442071234567"]), "test", "operator", CancellationToken.None);
    }

    public static async Task<NewStaffAccount> PortalUserAsync(RunningServer server, Authority authority, string email)
    {
        using var scope = server.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<StaffAccounts>()
            .CreatePortalUserAsync(email, authority.Id, authority.Code, "test", "operator", CancellationToken.None);
    }

    /// <summary>Signs a portal user in with password and TOTP code; they land on /portal.</summary>
    public static async Task<HttpClient> SignInAsync(RunningServer server, NewStaffAccount account)
    {
        var client = server.Client();
        var first = await RunningServer.PostPasswordAsync(client, account.Email, account.Password);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var second = await RunningServer.PostCodeAsync(client, Totp.Code(account.AuthenticatorKey, TimeProvider.System.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("/portal", second.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>Stores an order of <paramref name="authorityId"/> straight in the database (as another channel would).</summary>
    public static async Task<long> OrderAsync(RunningServer server, long authorityId, string reference, string selector = "target@example.org")
    {
        await using var db = server.Store.Store.CreateContext();
        var now = TimeProvider.System.GetUtcNow();
        var order = new LegalOrder
        {
            AuthorityId = authorityId, Instrument = LegalInstrument.GenericLegalProcess, Reference = reference, Channel = OrderChannel.Hi1Json,
            State = OrderState.UnderReview, SubmittedBy = "kid-test", ReceivedAt = now, UpdatedAt = now,
            Tasks =
            [
                new OrderTask
                {
                    Kind = TaskKind.Disclosure, Category = DataCategory.SubscriberData, StartTime = now.AddDays(-30), EndTime = now, Reference = "T1",
                    Selectors = [new OrderSelector { Kind = SelectorKind.EmailAddress, Value = selector }],
                },
            ],
        };
        OrderLifecycle.StartClock(order);
        db.LegalOrders.Add(order);
        await db.SaveChangesAsync();
        return order.Id;
    }

    /// <summary>A multipart request form with the user's antiforgery token (omitted when <paramref name="token"/> is null).</summary>
    public static MultipartFormDataContent Form(string? token, IEnumerable<(string Key, string Value)> fields, byte[]? document = null)
    {
        var form = new MultipartFormDataContent();
        if (token is not null)
        {
            form.Add(new StringContent(token), "__RequestVerificationToken");
        }
        foreach (var (k, v) in fields)
        {
            form.Add(new StringContent(v), k);
        }
        if (document is not null)
        {
            var file = new ByteArrayContent(document);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "document", "order.pdf");
        }
        return form;
    }

    public static (string, string)[] EmergencyRequest(string reference) =>
    [
        ("instrument", "EDR"), ("emergency", "true"), ("reference", reference),
        ("tasks[0].category", "SubscriberData"), ("tasks[0].start", "2026-10-01T00:00"), ("tasks[0].end", "2026-11-01T00:00"),
        ("tasks[0].selectors[0].kind", "EmailAddress"), ("tasks[0].selectors[0].value", "Target@Example.org"),
        ("tasks[0].selectors[1].kind", "IpAddress"), ("tasks[0].selectors[1].value", "203.0.113.7"), ("tasks[0].selectors[1].port", "51234"),
    ];

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string tokenPage, string action, params (string Key, string Value)[] fields)
    {
        var token = await RunningServer.FormTokenAsync(client, tokenPage);
        var body = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", token) };
        body.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        return await client.PostAsync(action, new FormUrlEncodedContent(body));
    }
}
