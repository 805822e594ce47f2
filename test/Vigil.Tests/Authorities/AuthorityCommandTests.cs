using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Authorities;

public sealed class AuthorityCommandTests
{
    [Fact]
    public async Task The_cli_registers_an_authority_with_keys_and_a_portal_user_and_records_each_change()
    {
        using var cli = new CliRunner();
        var now = cli.Time.GetUtcNow();
        var add = await cli.RunAsync("authority", "add", "gb-example-police", "--country", "GB", "--name", "Example Police", "--kind", "police",
            "--instrument", "LEGAL", "--instrument", "EDR", "--callback", "+44 20 7123 4567");
        Assert.True(add.Exit == 0, add.Err);
        Assert.Contains("registered GB-EXAMPLE-POLICE", add.Out, StringComparison.Ordinal);

        var pem = cli.WriteFile("key.pem", AuthorityKit.EcPublicKeyPem());
        var key = await cli.RunAsync("authority", "key", "add", "GB-EXAMPLE-POLICE", "--kid", "gbp-2026", "--alg", "ES256", "--pem", pem);
        Assert.True(key.Exit == 0, key.Err);
        var certPem = AuthorityKit.RsaCertificatePem(now.AddDays(-1), now.AddDays(90));
        var cert = await cli.RunAsync("authority", "key", "add", "GB-EXAMPLE-POLICE", "--certificate", cli.WriteFile("client.pem", certPem));
        Assert.True(cert.Exit == 0, cert.Err);
        Assert.Contains(AuthorityKit.Sha256OfCertificate(certPem), cert.Out, StringComparison.Ordinal);
        var update = await cli.RunAsync("authority", "update", "GB-EXAMPLE-POLICE", "--name", "Example Police Service",
            "--encryption-cert", cli.WriteFile("enc.pem", AuthorityKit.RsaCertificatePem(now.AddDays(-1), now.AddDays(365))));
        Assert.True(update.Exit == 0, update.Err);

        var user = await cli.RunAsync("authority", "user", "add", "--authority", "gb-example-police", "--email", "analyst@police.example");
        Assert.True(user.Exit == 0, user.Err);
        Assert.Contains("password: ", user.Out, StringComparison.Ordinal);
        Assert.Contains("totp: otpauth://totp/", user.Out, StringComparison.Ordinal);

        var revoke = await cli.RunAsync("authority", "key", "revoke", "gbp-2026", "--reason", "rotated");
        Assert.True(revoke.Exit == 0, revoke.Err);
        var show = await cli.RunAsync("authority", "show", "GB-EXAMPLE-POLICE", "--json");
        Assert.True(show.Exit == 0, show.Err);
        using (var doc = JsonDocument.Parse(show.Out))
        {
            Assert.Equal("Example Police Service", doc.RootElement.GetProperty("name").GetString());
            Assert.True(doc.RootElement.GetProperty("encryption_certificate").GetBoolean());
            Assert.Equal(2, doc.RootElement.GetProperty("keys").GetArrayLength());
        }
        var list = await cli.RunAsync("authority", "list");
        Assert.Contains("GB-EXAMPLE-POLICE  GB  Police  LEGAL,EDR  keys=1", list.Out, StringComparison.Ordinal);
        var disable = await cli.RunAsync("authority", "disable", "GB-EXAMPLE-POLICE", "--reason", "withdrawn");
        Assert.True(disable.Exit == 0, disable.Err);
        var late = await cli.RunAsync("authority", "user", "add", "--authority", "GB-EXAMPLE-POLICE", "--email", "late@police.example");
        Assert.Equal(1, late.Exit);
        Assert.Contains("disabled", late.Err, StringComparison.Ordinal);

        await using (var db = await new VigilStore(cli.Data).OpenAsync(CancellationToken.None))
        {
            var a = await db.Authorities.SingleAsync();
            Assert.Equal(a.Id, (await db.Users.SingleAsync(u => u.Email == "analyst@police.example")).AuthorityId);
        }
        using var ledger = LedgerLog.OpenDataDirectory(cli.Data.FullName);
        var actions = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event).Where(e => e.Subject.Type == AuthorityRegistry.SubjectType).ToList();
        Assert.Equal([AuthorityRegistry.ActionCreated, AuthorityRegistry.ActionKeyAdded, AuthorityRegistry.ActionKeyAdded, AuthorityRegistry.ActionUpdated,
            AuthorityRegistry.ActionKeyRevoked, AuthorityRegistry.ActionDisabled], actions.Select(e => e.Action));
        Assert.All(actions, e => Assert.Equal("operator", e.Actor));
    }

    [Fact]
    public async Task Bad_cli_input_fails_with_the_field_and_writes_nothing()
    {
        using var cli = new CliRunner();
        var bad = await cli.RunAsync("authority", "add", "GB-X", "--country", "XX", "--name", "X", "--kind", "police", "--instrument", "WARRANT", "--callback", "12");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("country:", bad.Err, StringComparison.Ordinal);
        Assert.Contains("instruments[0]: unknown instrument 'WARRANT'", bad.Err, StringComparison.Ordinal);
        Assert.Contains("callback_numbers[0]:", bad.Err, StringComparison.Ordinal);
        var key = await cli.RunAsync("authority", "key", "add", "GB-X", "--kid", "k", "--alg", "ES256", "--pem", cli.WriteFile("k.pem", "junk"));
        Assert.Equal(1, key.Exit);
        Assert.Contains("no authority GB-X", key.Err, StringComparison.Ordinal);
        var list = await cli.RunAsync("authority", "list");
        Assert.Contains("no authorities", list.Out, StringComparison.Ordinal);
        using var ledger = LedgerLog.OpenDataDirectory(cli.Data.FullName);
        Assert.Equal(0, ledger.Size());
    }
}
