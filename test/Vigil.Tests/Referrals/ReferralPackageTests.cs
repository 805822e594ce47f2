using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Pipeline;
using Vigil.Records;
using Vigil.Referrals;
using Vigil.Tests.Support;

namespace Vigil.Tests.Referrals;

public sealed class ReferralPackageTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Openssl_decrypts_and_verifies_the_delivered_package_which_holds_the_evidence_but_never_an_e2ee_body(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider);
        await using var authority = await FakeAuthority.StartAsync();
        var (cert, pem) = ReferralHarness.EncryptionCertificate();
        using var _ = cert;
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint, encryptionPem: pem);
        var image = new byte[] { 0x89, 0x50, 0x4e, 0x47, 1, 2, 3 };
        // An e2ee message never has a stored body; one is planted here to prove the package would not carry it anyway.
        await h.ItemAsync(platform, "dm-1", "SECRET E2EE BODY", e2ee: true, receivedAt: h.Time.GetUtcNow().AddMinutes(-3));
        await h.ItemAsync(platform, "post-0", "earlier post", receivedAt: h.Time.GetUtcNow().AddMinutes(-2));
        await h.ItemAsync(platform, "post-x", "another account's post", account: "someone-else", receivedAt: h.Time.GetUtcNow().AddMinutes(-1));
        var item = await h.ItemAsync(platform, "threat-1", "I will attack the station", image: image, metadata: "{\"country\":\"DE\"}");
        await using (var db = h.Store.CreateContext())
        {
            db.PlatformAccounts.Add(new PlatformAccount { PlatformId = platform, AccountId = "acct-1", Strikes = 2, Country = "DE", UpdatedAt = h.Time.GetUtcNow() });
            db.SubscriberRecords.Add(new SubscriberRecord { PlatformId = platform, AccountId = "acct-1", Username = "bad.actor", Email = "bad@example.org", AccountCreatedAt = h.Time.GetUtcNow().AddYears(-1), Country = "DE", RecordedAt = h.Time.GetUtcNow() });
            db.Decisions.Add(new DecisionRecord
            {
                IngestItemId = item.Id, PlatformId = platform, DecidedAt = h.Time.GetUtcNow(), RulesVersion = "abc",
                FiredRules = "[{\"rule_id\":\"threat-to-life\",\"mode\":\"enforce\",\"evidence\":[\"attack\"]}]",
                EnforcedActions = "[{\"rule_id\":\"threat-to-life\",\"kind\":\"refer\"}]", ShadowActions = "[]", Signals = "{}",
            });
            db.UserReports.Add(new UserReport { PlatformId = platform, ReportId = "rep-1", IngestItemId = item.Id, ReporterAccountId = "reporter-9", Reason = "violent threat", ReceivedAt = h.Time.GetUtcNow() });
            db.Preservations.Add(new Preservation { PlatformId = platform, IngestItemId = item.Id, Reason = "threat", PreservedAt = h.Time.GetUtcNow(), ExpiresAt = h.Time.GetUtcNow().AddMonths(6) });
            await db.SaveChangesAsync();
        }
        var id = await h.ReferralAsync(item, "DE");

        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        var r = await h.GetAsync(id);
        Assert.Equal(ReferralState.Acknowledged, r.State);

        var dir = Directory.CreateTempSubdirectory("vigil-referral-");
        try
        {
            string P(string n) => Path.Combine(dir.FullName, n);
            await File.WriteAllBytesAsync(P("package.p7m"), r.Package!);
            await File.WriteAllTextAsync(P("authority.pem"), pem);
            await File.WriteAllTextAsync(P("authority.key"), cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            Assert.Equal(0, await OpensslAsync("cms", "-decrypt", "-binary", "-inform", "DER", "-in", P("package.p7m"), "-recip", P("authority.pem"), "-inkey", P("authority.key"), "-out", P("signed.der")));
            Assert.Equal(0, await OpensslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", P("signed.der"), "-CAfile", h.Signing.CertificatePath, "-out", P("package.json")));
            // A changed byte in the signed package is refused.
            var tampered = await File.ReadAllBytesAsync(P("signed.der"));
            var at = tampered.AsSpan().IndexOf("attack"u8);
            tampered[at] ^= 0x20;
            await File.WriteAllBytesAsync(P("tampered.der"), tampered);
            Assert.NotEqual(0, await OpensslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", P("tampered.der"), "-CAfile", h.Signing.CertificatePath, "-out", P("x.json")));

            var text = await File.ReadAllTextAsync(P("package.json"));
            Assert.DoesNotContain("SECRET E2EE BODY", text, StringComparison.Ordinal);
            Assert.DoesNotContain("reporter-9", text, StringComparison.Ordinal);
            Assert.DoesNotContain("another account", text, StringComparison.Ordinal);
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            Assert.Equal(ReferralPackage.Schema, root.GetProperty("schema").GetString());
            Assert.Equal(id, root.GetProperty("referral").GetProperty("id").GetInt64());
            Assert.Equal("DE-POLICE", root.GetProperty("referral").GetProperty("authority").GetProperty("code").GetString());
            var content = root.GetProperty("content");
            Assert.Equal("I will attack the station", content.GetProperty("text").GetString());
            Assert.Equal(Convert.ToHexStringLower(item.ImageSha256!), content.GetProperty("image").GetProperty("sha256").GetString());
            Assert.Equal(image, content.GetProperty("image").GetProperty("base64").GetBytesFromBase64());
            Assert.Equal("DE", content.GetProperty("metadata").GetProperty("country").GetString());
            var account = root.GetProperty("account");
            Assert.Equal(2, account.GetProperty("strikes").GetInt32());
            Assert.Equal("bad@example.org", account.GetProperty("subscriber").GetProperty("email").GetString());
            var context = root.GetProperty("context");
            Assert.Equal("threat-to-life", context.GetProperty("decisions")[0].GetProperty("fired_rules")[0].GetProperty("rule_id").GetString());
            Assert.Equal("violent threat", context.GetProperty("user_reports")[0].GetProperty("reason").GetString());
            var recent = context.GetProperty("recent_items").EnumerateArray().ToList();
            Assert.Equal(["post-0", "dm-1"], recent.Select(x => x.GetProperty("item_id").GetString()));
            Assert.False(recent[1].TryGetProperty("text", out var _), "an e2ee message carries metadata only");
            Assert.True(recent[1].GetProperty("e2ee").GetBoolean());
            Assert.Equal(h.Time.GetUtcNow().AddMonths(6), root.GetProperty("preservation").GetProperty("expires_at").GetDateTimeOffset());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Without_an_encryption_certificate_the_package_is_signed_only_and_openssl_verifies_it(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider);
        await using var authority = await FakeAuthority.StartAsync();
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint);
        var id = await h.ReferralAsync(await h.ItemAsync(platform, "i1", "threat"), "DE");
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        var r = await h.GetAsync(id);
        Assert.False(r.Encrypted);
        Assert.Contains("signed-data", Assert.Single(authority.Requests).ContentType, StringComparison.Ordinal);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, r.Package!);
            Assert.Equal(0, await OpensslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", file, "-CAfile", h.Signing.CertificatePath, "-out", "/dev/null"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<int> OpensslAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
