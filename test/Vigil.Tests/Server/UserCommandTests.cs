using System.Text.RegularExpressions;
using Vigil.Tests.Support;

namespace Vigil.Tests.Server;

public sealed partial class UserCommandTests
{
    [Fact]
    public async Task User_add_prints_a_strong_password_and_an_otpauth_uri_once_and_user_list_shows_the_role()
    {
        using var cli = new CliRunner();
        var (exit, output, error) = await cli.RunAsync("user", "add", "root@example.org", "--role", "admin");
        Assert.True(exit == 0, error);
        var password = PasswordLine().Match(output);
        Assert.True(password.Success, output);
        Assert.True(password.Groups[1].Value.Length >= 14);
        var uri = OtpLine().Match(output);
        Assert.True(uri.Success, output);
        Assert.Matches("^[A-Z2-7]{16,}$", uri.Groups[1].Value);

        (exit, output, error) = await cli.RunAsync("user", "list");
        Assert.True(exit == 0, error);
        Assert.Equal("root@example.org  admin  2fa=on", output.Trim());
        Assert.DoesNotContain(password.Groups[1].Value, output, StringComparison.Ordinal);

        (exit, output, error) = await cli.RunAsync("user", "grant", "root@example.org", "--role", "overseer");
        Assert.True(exit == 0, error);
        (exit, output, _) = await cli.RunAsync("user", "list");
        Assert.Equal("root@example.org  admin,overseer  2fa=on", output.Trim());
        (exit, output, error) = await cli.RunAsync("user", "revoke", "root@example.org", "--role", "admin");
        Assert.True(exit == 0, error);
        Assert.Equal("revoked admin from root@example.org", output.Trim());
        (exit, output, _) = await cli.RunAsync("user", "revoke", "root@example.org", "--role", "admin");
        Assert.Equal((0, "unchanged: root@example.org does not have admin"), (exit, output.Trim()));
        (_, output, _) = await cli.RunAsync("user", "list");
        Assert.Equal("root@example.org  overseer  2fa=on", output.Trim());

        await using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(cli.Data.FullName);
        var actions = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event)
            .Select(e => (e.Action, e.Subject.Id, e.Reason)).ToList();
        Assert.Equal(
            [("account.created", "root@example.org", "staff account created with two-factor authentication"),
             ("account.role_granted", "root@example.org", "role admin"),
             ("account.role_granted", "root@example.org", "role overseer"),
             ("account.role_revoked", "root@example.org", "role admin")],
            actions);
    }

    [Fact]
    public async Task User_add_refuses_an_unknown_role_and_a_duplicate_email_with_one_line()
    {
        using var cli = new CliRunner();
        var (exit, _, error) = await cli.RunAsync("user", "add", "a@example.org", "--role", "superuser");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: unknown role 'superuser'; roles: moderator, trust_and_safety_lead", error, StringComparison.Ordinal);

        Assert.Equal(0, (await cli.RunAsync("user", "add", "a@example.org", "--role", "moderator")).Exit);
        (exit, _, error) = await cli.RunAsync("user", "add", "a@example.org", "--role", "moderator");
        Assert.Equal(1, exit);
        Assert.Equal("error: an account for 'a@example.org' already exists", error.Trim());
    }

    [GeneratedRegex(@"^password: (\S+)$", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();

    [GeneratedRegex(@"^totp: otpauth://totp/Vigil:root%40example\.org\?secret=([A-Z2-7]+)&issuer=Vigil&digits=6&period=30$", RegexOptions.Multiline)]
    private static partial Regex OtpLine();
}
