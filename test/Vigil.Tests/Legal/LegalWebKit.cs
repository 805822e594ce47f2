using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Tests.Server;

namespace Vigil.Tests.Legal;

/// <summary>Starts the real server with two legal officers and a moderator, and creates authorities, orders and portal users in it.</summary>
internal static class LegalWebKit
{
    public const string Officer1 = "olga@example.org";
    public const string Officer2 = "oscar@example.org";
    public const string Mod = "mod@example.org";

    public static Task<(RunningServer Server, IReadOnlyDictionary<string, NewStaffAccount> Accounts)> StartAsync(string provider) =>
        RunningServer.StartAsync(provider, (Officer1, StaffRoles.LegalOfficer), (Officer2, StaffRoles.LegalOfficer), (Mod, StaffRoles.Moderator));

    public static async Task<Authority> AuthorityAsync(RunningServer server, string code)
    {
        await using var db = server.Store.Store.CreateContext();
        var now = TimeProvider.System.GetUtcNow();
        var a = new Authority
        {
            Code = code, CountryCode = "GB", Name = "Police " + code, Kind = AuthorityKind.Police,
            Instruments = [.. Enum.GetValues<LegalInstrument>()], CallbackNumbers = ["+442079460123"], CreatedAt = now, UpdatedAt = now,
        };
        db.Authorities.Add(a);
        await db.SaveChangesAsync();
        return a;
    }

    /// <summary>An order in UnderReview with one subscriber-data task and a signed document.</summary>
    public static async Task<long> OrderAsync(RunningServer server, Authority authority, LegalInstrument instrument, string reference, string submittedBy = "key-1")
    {
        await using var db = server.Store.Store.CreateContext();
        var now = TimeProvider.System.GetUtcNow();
        var content = "%PDF-1.4 production order"u8.ToArray();
        var order = new LegalOrder
        {
            AuthorityId = authority.Id, Instrument = instrument, Reference = reference, Channel = OrderChannel.Hi1Json, State = OrderState.Received,
            SubmittedBy = submittedBy, ReceivedAt = now, UpdatedAt = now,
            NotUsPersonAttested = instrument == LegalInstrument.UkUsOverseasProductionOrder,
            Tasks =
            [
                new OrderTask
                {
                    Kind = TaskKind.Disclosure, Category = DataCategory.SubscriberData, StartTime = now.AddDays(-30), EndTime = now.AddDays(-1),
                    Reference = "LDID-1", Selectors = [new OrderSelector { Kind = SelectorKind.AccountId, Value = "acct-42" }],
                },
            ],
            Documents =
            [
                new OrderDocument
                {
                    Reference = "warrant.pdf", DocumentType = "Warrant", ContentType = "application/pdf", Content = content,
                    Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), ReceivedAt = now,
                },
            ],
        };
        OrderLifecycle.StartClock(order);
        db.LegalOrders.Add(order);
        await db.SaveChangesAsync();
        OrderLifecycle.Move(db, order, OrderState.Authenticated, "intake", "system", "signature verified", now);
        OrderLifecycle.Move(db, order, OrderState.UnderReview, "intake", "system", "validated", now);
        await db.SaveChangesAsync();
        return order.Id;
    }

    /// <summary>A portal user of <paramref name="authorityId"/> with two-factor on, as the portal's account code makes them.</summary>
    public static async Task<NewStaffAccount> PortalUserAsync(RunningServer server, string email, long authorityId)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(StaffRoles.AuthorityUser))
        {
            Assert.True((await roles.CreateAsync(new IdentityRole(StaffRoles.AuthorityUser))).Succeeded);
        }
        const string password = "Portal-Password-1234!";
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, TwoFactorEnabled = true, AuthorityId = authorityId };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, StaffRoles.AuthorityUser)).Succeeded);
        var key = await users.GetAuthenticatorKeyAsync(user);
        return new NewStaffAccount(email, password, key!, "");
    }
}
