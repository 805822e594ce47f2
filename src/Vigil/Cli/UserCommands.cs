using System.CommandLine;
using Vigil.Accounts;

namespace Vigil.Cli;

/// <summary><c>vigil user ...</c>: create staff accounts, list them, grant and revoke roles.</summary>
public static class UserCommands
{
    private static readonly Argument<string> Email = new("email") { Description = "The account's e-mail address (also its user name)" };

    private static string Actor => "cli:" + Environment.UserName;

    private const string ActorRole = "operator";

    public static Command Create(TimeProvider time)
    {
        var user = new Command("user", "Manage staff accounts: create, list, grant and revoke roles (recorded in the ledger)");
        user.Subcommands.Add(AddCommand(time));
        user.Subcommands.Add(ListCommand(time));
        user.Subcommands.Add(RoleCommand("grant", grant: true, time));
        user.Subcommands.Add(RoleCommand("revoke", grant: false, time));
        return user;
    }

    private static Option<string> RoleOption() => new("--role")
    {
        Description = "One of: " + string.Join(", ", StaffRoles.All),
        Required = true,
    };

    private static Command AddCommand(TimeProvider time)
    {
        var role = RoleOption();
        var cmd = new Command("add", "Create an account; prints its generated password and TOTP secret once") { Email, role };
        cmd.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var session = await StaffAccountsSession.OpenAsync(CliContext.Store(parse), time, ct);
            var created = await session.Accounts.CreateAsync(parse.GetValue(Email)!, parse.GetValue(role)!, Actor, ActorRole, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, new { created.Email, Role = parse.GetValue(role), created.Password, created.AuthenticatorKey, OtpauthUri = created.OtpAuthUri });
            }
            else
            {
                await output.WriteLineAsync($"created {created.Email} ({parse.GetValue(role)})");
                await output.WriteLineAsync($"password: {created.Password}");
                await output.WriteLineAsync($"totp: {created.OtpAuthUri}");
                await output.WriteLineAsync("These are shown once: store the password and add the TOTP URI to an authenticator app now.");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ListCommand(TimeProvider time)
    {
        var cmd = new Command("list", "List staff accounts with their roles");
        cmd.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var session = await StaffAccountsSession.OpenAsync(CliContext.Store(parse), time, ct);
            var all = await session.Accounts.ListAsync(ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, all);
                return 0;
            }
            if (all.Count == 0)
            {
                await output.WriteLineAsync("no accounts; create the first with: vigil user add EMAIL --role admin");
            }
            foreach (var a in all)
            {
                var locked = a.LockedOutUntil is { } until ? $"  locked out until {until:u}" : "";
                await output.WriteLineAsync($"{a.Email}  {string.Join(",", a.Roles)}  2fa={(a.TwoFactor ? "on" : "off")}{locked}");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command RoleCommand(string name, bool grant, TimeProvider time)
    {
        var role = RoleOption();
        var cmd = new Command(name, grant ? "Grant a role to an account" : "Revoke a role from an account") { Email, role };
        cmd.SetAction((parse, ct) => Guard(parse, async output =>
        {
            await using var session = await StaffAccountsSession.OpenAsync(CliContext.Store(parse), time, ct);
            var changed = await session.Accounts.SetRoleAsync(parse.GetValue(Email)!, parse.GetValue(role)!, grant, Actor, ActorRole, ct);
            await output.WriteLineAsync(changed
                ? $"{(grant ? "granted" : "revoked")} {parse.GetValue(role)} {(grant ? "to" : "from")} {parse.GetValue(Email)}"
                : $"unchanged: {parse.GetValue(Email)} {(grant ? "already has" : "does not have")} {parse.GetValue(role)}");
            return 0;
        }));
        return cmd;
    }

    private static Task<int> Guard(ParseResult parse, Func<TextWriter, Task<int>> body) => CliContext.Guard(parse, async output =>
    {
        try
        {
            return await body(output);
        }
        catch (AccountException e)
        {
            throw new CliException(e.Message);
        }
    });
}
