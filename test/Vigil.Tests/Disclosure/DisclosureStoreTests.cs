using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Disclosure;
using Vigil.Hi1;
using Vigil.Orders;
using Vigil.Tests.Support;

namespace Vigil.Tests.Disclosure;

public sealed class DisclosureStoreTests
{
    private static readonly OrderTask[] FourTasks =
    [
        DisclosureKit.Task(DataCategory.SubscriberData, TaskDecision.Approved, (SelectorKind.EmailAddress, "alice@example.com", null)),
        DisclosureKit.Task(DataCategory.TrafficData, TaskDecision.Approved, (SelectorKind.AccountId, "a1", null)),
        DisclosureKit.Task(DataCategory.UserIdentifyingData, TaskDecision.Approved, (SelectorKind.IpAddress, "198.51.100.7", 40000)),
        DisclosureKit.Task(DataCategory.StoredContentData, TaskDecision.Approved, (SelectorKind.Username, "alice", null)),
    ];

    private static OrderTask[] Fresh(OrderTask[] tasks) => [.. tasks.Select(t => new OrderTask
    {
        Kind = t.Kind, Category = t.Category, StartTime = t.StartTime, EndTime = t.EndTime, Decision = t.Decision, Reference = t.Reference,
        Selectors = [.. t.Selectors.Select(s => new OrderSelector { Kind = s.Kind, Value = s.Value, Port = s.Port })],
    })];

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Package_opens_with_openssl_verifies_and_holds_exactly_the_scope(string provider)
    {
        await using var kit = await DisclosureKit.CreateAsync(provider);
        await kit.SeedAsync();
        var orderId = await kit.OrderAsync(OrderState.Approved, LegalInstrument.EuProductionOrder, null, Fresh(FourTasks));

        await using var db = kit.Db();
        var (package, refusal) = await kit.Service(db).BuildAsync(orderId, "legal1@example.org", "legal_officer", default);
        Assert.Null(refusal);
        Assert.NotNull(package);

        await using (var check = kit.Db())
        {
            Assert.Equal(OrderState.Disclosed, (await check.LegalOrders.SingleAsync(o => o.Id == orderId)).State);
            var stored = await check.DisclosurePackages.SingleAsync();
            Assert.Equal(package.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored.Content!)));
            Assert.Equal(kit.Time.GetUtcNow() + TimeSpan.FromDays(7), stored.ExpiresAt);
            // Only alice's records were disclosed, so only she is told (carol appears as a message counterpart only).
            var notices = await check.UserNotices.ToListAsync();
            Assert.Equal(["a1"], notices.Select(n => n.AccountId));
        }

        var files = await PackageOpener.OpenAsync(package.Content!, Path.Combine(kit.Folder, "open"), kit.Keys, kit.Signing.CertificatePath);
        var tasks = files.Where(f => f.Key.StartsWith("tasks/", StringComparison.Ordinal)).Select(f => PackageOpener.ValidTask(f.Value)).ToList();
        Assert.Equal(4, tasks.Count);
        JsonElement Records(string category) => tasks.Single(t => t.GetProperty("task").GetProperty("category").GetString() == category).GetProperty("records");

        var subscribers = Records("SubscriberData").GetProperty("subscribers");
        Assert.Equal("a1", subscribers.EnumerateArray().Single().GetProperty("account_id").GetString());
        var traffic = Records("TrafficData");
        // Access logs of a1 in range (not the 2025 one), messages a1 took part in (m1 sent, m3 received; not m2).
        Assert.Equal(["203.0.113.5", "198.51.100.7"], traffic.GetProperty("access_logs").EnumerateArray().Select(a => a.GetProperty("ip_address").GetString()));
        Assert.Equal(["m1", "m3"], traffic.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message_id").GetString()));
        var uid = Records("UserIdentifyingData").GetProperty("user_identities").EnumerateArray().ToList();
        Assert.Equal("a1", Assert.Single(uid).GetProperty("account_id").GetString());
        Assert.Equal(40000, uid[0].GetProperty("source_port").GetInt32());
        Assert.Equal("alice@example.com", uid[0].GetProperty("email").GetString());
        var content = Records("StoredContentData");
        Assert.Equal("post-a", content.GetProperty("stored_content").EnumerateArray().Single().GetProperty("item_id").GetString());
        Assert.Single(content.GetProperty("media_hashes").EnumerateArray());

        var all = string.Join("\n", files.Values.Select(Encoding.UTF8.GetString));
        Assert.DoesNotContain("us_person", all, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("carol@example.com", all, StringComparison.Ordinal);
        Assert.DoesNotContain("carol's post", all, StringComparison.Ordinal);
        Assert.Contains("\"hello, \"\"world\"\"\"", Encoding.UTF8.GetString(files["csv/stored_content.csv"]), StringComparison.Ordinal);
        Assert.Equal(["csv/access_logs.csv", "csv/media_hashes.csv", "csv/messages.csv", "csv/stored_content.csv", "csv/subscribers.csv", "csv/user_identities.csv"],
            files.Keys.Where(k => k.StartsWith("csv/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));

        var ledger = kit.LedgerEntries();
        Assert.Contains(ledger, e => e.Event.Action == "order.disclosed");
        var built = Assert.Single(ledger, e => e.Event.Action == DisclosureAudit.Built);
        Assert.Equal(package.Sha256, Convert.ToHexStringLower(built.Event.PayloadSha256!));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Preview_counts_pending_tasks_and_an_unapproved_order_is_not_disclosed(string provider)
    {
        await using var kit = await DisclosureKit.CreateAsync(provider);
        await kit.SeedAsync();
        var orderId = await kit.OrderAsync(OrderState.UnderReview, LegalInstrument.EuProductionOrder, null,
            DisclosureKit.Task(DataCategory.TrafficData, TaskDecision.Pending, (SelectorKind.PhoneNumber, "+447700900123", null)),
            DisclosureKit.Task(DataCategory.SubscriberData, TaskDecision.Rejected, (SelectorKind.AccountId, "c1", null)));
        await using var db = kit.Db();
        var service = kit.Service(db);

        var preview = await service.PreviewAsync(orderId, "legal1", "legal_officer", default);
        var task = Assert.Single(preview!.Tasks);
        Assert.Equal(2, task.Counts[RecordTypes.AccessLogs]);
        Assert.Equal(2, task.Counts[RecordTypes.Messages]);
        Assert.Equal(4, task.Sample.Count);
        Assert.Null(await service.PreviewAsync(orderId + 100, "legal1", "legal_officer", default));

        var (package, refusal) = await service.BuildAsync(orderId, "legal1", "legal_officer", default);
        Assert.Null(package);
        Assert.Equal(409, refusal!.Status);
        Assert.Equal(0, await db.DisclosurePackages.CountAsync());
        var ledger = kit.LedgerEntries();
        Assert.Contains(ledger, e => e.Event.Action == DisclosureAudit.Previewed && e.Event.Subject.Id == orderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(ledger, e => e.Event.Action == DisclosureAudit.Refused);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Uk_us_order_leaves_us_persons_out_and_a_missing_certificate_refuses(string provider)
    {
        await using var kit = await DisclosureKit.CreateAsync(provider);
        await kit.SeedAsync();
        var orderId = await kit.OrderAsync(OrderState.Approved, LegalInstrument.UkUsOverseasProductionOrder, null,
            DisclosureKit.Task(DataCategory.SubscriberData, TaskDecision.Approved, (SelectorKind.Username, "bob", null), (SelectorKind.Username, "carol", null)));
        await using var db = kit.Db();
        var preview = await kit.Service(db).PreviewAsync(orderId, "legal1", "legal_officer", default);
        var task = Assert.Single(preview!.Tasks);
        Assert.Equal(1, task.Counts[RecordTypes.Subscribers]);
        Assert.Equal(1, task.ExcludedUsPersons);

        var authority = await db.Authorities.SingleAsync();
        authority.EncryptionCertificatePem = null;
        await db.SaveChangesAsync();
        var (_, refusal) = await kit.Service(db).BuildAsync(orderId, "legal1", "legal_officer", default);
        Assert.Contains("no encryption certificate", refusal!.Message, StringComparison.Ordinal);
        Assert.Equal(OrderState.Approved, (await kit.Db().LegalOrders.SingleAsync()).State);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Download_succeeds_once_then_is_gone_and_other_authorities_and_late_users_are_refused(string provider)
    {
        await using var kit = await DisclosureKit.CreateAsync(provider);
        await kit.SeedAsync();
        var first = await kit.OrderAsync(OrderState.PartiallyApproved, LegalInstrument.EuProductionOrder, null, Fresh(FourTasks[..1]));
        var second = await kit.OrderAsync(OrderState.Preserved, LegalInstrument.EuProductionOrder, null, Fresh(FourTasks[..1]));
        long other;
        await using (var db = kit.Db())
        {
            other = (await DisclosureKit.AddAuthorityAsync(db, "FR-OTHER", null)).Id;
        }
        await using var s = kit.Db();
        var service = kit.Service(s);
        var (p1, _) = await service.BuildAsync(first, "legal1", "legal_officer", default);
        var (p2, _) = await service.BuildAsync(second, "legal1", "legal_officer", default);

        Assert.Equal(DownloadOutcome.NotFound, (await service.DownloadAsync(p1!.Id, other, "spy@fr", default)).Outcome);
        var ok = await service.DownloadAsync(p1.Id, kit.Authority.Id, "officer@gb", default);
        Assert.Equal(DownloadOutcome.Ok, ok.Outcome);
        Assert.Equal(p1.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ok.Content!)));
        Assert.Equal(DownloadOutcome.AlreadyDownloaded, (await service.DownloadAsync(p1.Id, kit.Authority.Id, "officer@gb", default)).Outcome);
        await using (var check = kit.Db())
        {
            var row = await check.DisclosurePackages.SingleAsync(p => p.Id == p1.Id);
            Assert.Null(row.Content);
            Assert.Equal("officer@gb", row.DownloadedBy);
        }

        kit.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(DownloadOutcome.Expired, (await service.DownloadAsync(p2!.Id, kit.Authority.Id, "officer@gb", default)).Outcome);

        var ledger = kit.LedgerEntries();
        Assert.Single(ledger, e => e.Event.Action == DisclosureAudit.Downloaded);
        Assert.Equal(3, ledger.Count(e => e.Event.Action == DisclosureAudit.DownloadRefused));

        // Over HI-1 the authority finds its deliveries (LIST of DeliveryObject) and each one's reference (GET).
        using var signer = Hi1Signer.Generate("ES256", "kit-es256");
        await using (var db = kit.Db())
        {
            db.AuthorityKeys.Add(new AuthorityKey
            {
                AuthorityId = kit.Authority.Id, KeyId = "kit-es256", Kind = AuthorityKeyKind.JwsPublicKey, Algorithm = "ES256", Pem = signer.PublicKeyPem(),
                NotBefore = kit.Time.GetUtcNow().AddDays(-1), NotAfter = kit.Time.GetUtcNow().AddDays(30), CreatedAt = kit.Time.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        }
        await using var intake = new Hi1Intake(kit.Store.Store, kit.Ledger, kit.Time);
        async Task<JsonElement> AskAsync(Hi1Node message)
        {
            var reply = await intake.HandleAsync(Encoding.ASCII.GetBytes(signer.Sign(Hi1Codec.Write(message, Hi1Encoding.Json), kit.Time.GetUtcNow())), default);
            Assert.True(reply.Status == 200, Encoding.UTF8.GetString(reply.Body));
            return JsonDocument.Parse(reply.Body).RootElement.GetProperty("Payload").GetProperty("ResponsePayload").GetProperty("ActionResponses").GetProperty("ActionResponse")[0];
        }
        var list = (await AskAsync(Hi1Requests.List(kit.Authority.CountryCode, kit.Authority.Code, kit.Time.GetUtcNow(), "{" + Hi1Codec.DeliveryNamespace + "}DeliveryObject")))
            .GetProperty("LISTResponse").GetProperty("ListResponseRecord");
        Assert.Equal(["Expired", "Downloaded"], list.EnumerateArray().Select(r => r.GetProperty("Status").GetString()));
        var id = list[1].GetProperty("ObjectIdentifier").GetString()!;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id);
        var delivery = (await AskAsync(Hi1Requests.Get(kit.Authority.CountryCode, kit.Authority.Code, id, kit.Time.GetUtcNow())))
            .GetProperty("GETResponse").GetProperty("HI1Object");
        Assert.Equal("{" + Hi1Codec.DeliveryNamespace + "}DeliveryObject", delivery.GetProperty("@xsi:type").GetString());
        var d = delivery.GetProperty("delivery:Delivery");
        Assert.Equal($"/portal/disclosures/{p1.Id}/download", d.GetProperty("delivery:DownloadPath").GetString());
        Assert.Equal(p1.Sha256, d.GetProperty("delivery:Sha256").GetString());
        Assert.Equal("Downloaded", d.GetProperty("delivery:Status").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task User_notice_waits_for_the_non_disclosure_period_and_is_sent_once_through_the_webhook(string provider)
    {
        await using var kit = await DisclosureKit.CreateAsync(provider);
        await kit.SeedAsync();
        var orderId = await kit.OrderAsync(OrderState.Approved, LegalInstrument.EuProductionOrder, DisclosureKit.Start.AddDays(30),
            DisclosureKit.Task(DataCategory.TrafficData, TaskDecision.Approved, (SelectorKind.AccountId, "a1", null), (SelectorKind.AccountId, "c1", null)));
        await using (var db = kit.Db())
        {
            Assert.Null((await kit.Service(db).BuildAsync(orderId, "legal1", "legal_officer", default)).Refusal);
        }
        var job = new UserNoticeJob(kit.Store.Store, kit.Ledger, kit.Time, kit.Options, Microsoft.Extensions.Logging.Abstractions.NullLogger<UserNoticeJob>.Instance);

        Assert.Equal(0, await job.RunOnceAsync(default));
        kit.Time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(2, await job.RunOnceAsync(default));
        Assert.Equal(0, await job.RunOnceAsync(default));

        await using var check = kit.Db();
        var messages = await check.OutboxMessages.Where(m => m.EventType == UserNoticeJob.EventType).ToListAsync();
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal(kit.PlatformId, m.PlatformId));
        var payload = JsonDocument.Parse(messages.Single(m => m.Payload.Contains("\"a1\"", StringComparison.Ordinal)).Payload).RootElement;
        Assert.Equal(["TrafficData"], payload.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.All(await check.UserNotices.ToListAsync(), n => Assert.NotNull(n.OutboxMessageId));
        Assert.Equal(2, kit.LedgerEntries().Count(e => e.Event.Action == DisclosureAudit.NoticeSent));
    }
}
