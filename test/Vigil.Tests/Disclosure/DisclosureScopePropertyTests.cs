using System.Text.Json.Nodes;
using CsCheck;
using Vigil.Authorities;
using Vigil.Disclosure;
using Vigil.Orders;
using Vigil.Records;

namespace Vigil.Tests.Disclosure;

/// <summary>
/// The exact-scope rule against an independent, record-by-record evaluation written here from docs/disclosure.md:
/// random records (two platforms, a few accounts, addresses and ports so that selectors collide) and random orders.
/// </summary>
public sealed class DisclosureScopePropertyTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Accounts = ["a0", "a1", "a2", "a3", "a4", "a5"];
    private static readonly string[] Ips = ["192.0.2.1", "192.0.2.2", "2001:db8::1"];
    private static readonly int?[] Ports = [null, 1000, 1001];
    private static readonly string[] Names = ["n0", "n1", "n2", "n3"];

    // The minimisation table of docs/disclosure.md, written out again so a change in the code cannot pass unnoticed.
    private static readonly Dictionary<string, string[]> Table = new(StringComparer.Ordinal)
    {
        ["subscribers"] = ["platform", "account_id", "username", "names_given", "email", "phone", "account_created_at", "country"],
        ["user_identities"] = ["platform", "at", "ip_address", "source_port", "account_id", "username", "names_given", "email", "phone"],
        ["access_logs"] = ["platform", "account_id", "at", "ip_address", "source_port", "device_id"],
        ["messages"] = ["platform", "message_id", "sender_account_id", "recipient_account_ids", "at", "size_bytes", "e2ee"],
        ["stored_content"] = ["platform", "item_id", "account_id", "at", "content_type", "text", "body_base64"],
        ["media_hashes"] = ["platform", "item_id", "account_id", "at", "algorithm", "hash"],
    };

    private static readonly Dictionary<DataCategory, string[]> Carries = new()
    {
        [DataCategory.SubscriberData] = ["subscribers"],
        [DataCategory.UserIdentifyingData] = ["user_identities"],
        [DataCategory.TrafficData] = ["access_logs", "messages"],
        [DataCategory.StoredContentData] = ["stored_content", "media_hashes"],
    };

    private static Gen<T> Of<T>(T[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static readonly Gen<DateTimeOffset> Day = Gen.Int[0, 364].Select(d => Epoch.AddDays(d).AddHours(d % 24));
    private static readonly Gen<long> PlatformGen = Gen.Long[1, 2];
    private static readonly Gen<string> AccountGen = Of(Accounts);

    private static readonly Gen<RecordSet> RecordsGen =
        Gen.Select(
            Gen.Select(PlatformGen, AccountGen, Of(Names), Gen.Bool, Day, Gen.Int[0, 3]).Array[0, 10],
            Gen.Select(PlatformGen, AccountGen, Of(Ips), Of(Ports), Day).Array[0, 25],
            Gen.Select(PlatformGen, AccountGen, AccountGen.Array[0, 3], Day, Gen.Bool).Array[0, 15],
            Gen.Select(PlatformGen, AccountGen, Day, Gen.Bool).Array[0, 10],
            Gen.Select(PlatformGen, AccountGen, Day).Array[0, 10])
        .Select((subs, logs, msgs, content, hashes) =>
        {
            long id = 0;
            return new RecordSet
            {
                Platforms = new Dictionary<long, string> { [1] = "p-one", [2] = "p-two" },
                // One subscriber record per platform account, as the records table's unique index demands.
                Subscribers = [.. subs.DistinctBy(s => (s.Item1, s.Item2)).Select(s => new SubscriberRecord
                {
                    Id = ++id, PlatformId = s.Item1, AccountId = s.Item2, Username = s.Item3, NamesGiven = "Name " + s.Item2,
                    Email = s.Item3 + "@example.com", Phone = s.Item6 == 0 ? null : "+4477009001" + s.Item6.ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                    AccountCreatedAt = s.Item5.AddDays(-100), Country = "GB", UsPerson = s.Item4, RecordedAt = Epoch,
                })],
                AccessLogs = [.. logs.Select(l => new AccessLogRecord { Id = ++id, PlatformId = l.Item1, AccountId = l.Item2, IpAddress = l.Item3, SourcePort = l.Item4, At = l.Item5, DeviceId = "d-" + l.Item2, RecordedAt = Epoch })],
                Messages = [.. msgs.Select(m => new MessageMetadataRecord { Id = ++id, PlatformId = m.Item1, MessageId = "m" + id, SenderAccountId = m.Item2, RecipientAccountIds = [.. m.Item3], At = m.Item4, SizeBytes = id, E2ee = m.Item5, RecordedAt = Epoch })],
                StoredContent = [.. content.Select(c => new StoredContentRecord { Id = ++id, PlatformId = c.Item1, ItemId = "i" + id, AccountId = c.Item2, At = c.Item3, ContentType = "text/plain", Text = "t" + id, Body = c.Item4 ? [1, 2, (byte)id] : null, RecordedAt = Epoch })],
                MediaHashes = [.. hashes.Select(h => new MediaHashRecord { Id = ++id, PlatformId = h.Item1, ItemId = "i" + id, AccountId = h.Item2, At = h.Item3, Algorithm = "md5", Hash = "0f" + id, RecordedAt = Epoch })],
            };
        });

    private static readonly Gen<OrderSelector> SelectorGen = Gen.Int[0, 4].SelectMany(kind => kind switch
    {
        0 => AccountGen.Select(a => new OrderSelector { Kind = SelectorKind.AccountId, Value = a }),
        1 => Of(Names).Select(n => new OrderSelector { Kind = SelectorKind.Username, Value = n }),
        2 => Of(Names).Select(n => new OrderSelector { Kind = SelectorKind.EmailAddress, Value = n + "@example.com" }),
        3 => Gen.Int[1, 3].Select(n => new OrderSelector { Kind = SelectorKind.PhoneNumber, Value = "+4477009001" + n.ToString("00", System.Globalization.CultureInfo.InvariantCulture) }),
        _ => Gen.Select(Of(Ips), Of(Ports)).Select((ip, port) => new OrderSelector { Kind = SelectorKind.IpAddress, Value = ip, Port = port }),
    });

    private static readonly Gen<OrderTask> TaskGen =
        Gen.Select(Gen.Enum<DataCategory>(), SelectorGen.List[1, 3], Day, Gen.Int[1, 200], Gen.Long[1, 1000])
            .Select((category, selectors, start, days, id) => new OrderTask
            {
                Id = id, Kind = TaskKind.Disclosure, Category = category, StartTime = start, EndTime = start.AddDays(days),
                Decision = TaskDecision.Approved, Selectors = selectors,
            });

    private static readonly Gen<(RecordSet Records, OrderTask[] Tasks, bool UkUs)> Case =
        Gen.Select(RecordsGen, TaskGen.Array[1, 3], Gen.Bool);

    [Fact]
    public void Every_package_holds_exactly_the_independently_evaluated_scope_and_only_the_category_fields()
    {
        var order = new LegalOrder { Id = 7, Reference = "R", SubmittedBy = "k", Instrument = LegalInstrument.EuProductionOrder };
        var authority = new Authority { Code = "GB-X", CountryCode = "GB", Name = "x" };
        var nonEmpty = 0;
        Case.Sample(c =>
        {
            order.Instrument = c.UkUs ? LegalInstrument.UkUsOverseasProductionOrder : LegalInstrument.EuProductionOrder;
            foreach (var task in c.Tasks)
            {
                var disclosed = DisclosureScope.Evaluate(task, c.UkUs, c.Records);
                var json = JsonNode.Parse(DisclosurePackager.TaskDocument(order, authority, new PackagedTask(task, disclosed), Epoch))!;
                var records = json["records"]!.AsObject();
                var (expected, named) = Oracle(task, c.UkUs, c.Records);

                // Exactly the record types of the category, none other.
                Assert.Equal(Carries[task.Category!.Value].Order(StringComparer.Ordinal), records.Select(r => r.Key).Order(StringComparer.Ordinal));
                foreach (var (type, rows) in records)
                {
                    var actual = rows!.AsArray().Select(r => r!.AsObject()).ToList();
                    foreach (var row in actual)
                    {
                        // Never a field outside the category's list.
                        Assert.Equal(Table[type], row.Select(p => p.Key));
                        // Never a record of an account the selectors do not name.
                        Assert.True(RowAccounts(type, row).Any(named.Contains), $"{type} row of another account: {row.ToJsonString()}");
                    }
                    Assert.Equal(
                        expected[type].Select(r => r.ToJsonString()).Order(StringComparer.Ordinal),
                        actual.Select(r => r.ToJsonString()).Order(StringComparer.Ordinal));
                    nonEmpty += actual.Count > 0 ? 1 : 0;
                }
                Assert.True(disclosed.Accounts.All(a => named.Contains((a.PlatformId, a.AccountId))));
            }
        }, iter: 10_000, seed: null, threads: 1);
        // The generator must actually hit records, or the property says nothing.
        Assert.True(nonEmpty > 3_000, $"only {nonEmpty} non-empty record lists");
    }

    /// <summary>Record by record: is it about an account a selector names, in range, of a type the category carries?</summary>
    private static (Dictionary<string, List<JsonObject>> Rows, HashSet<(long, string)> Named) Oracle(OrderTask task, bool ukUs, RecordSet r)
    {
        var start = task.StartTime!.Value;
        var end = task.EndTime!.Value;
        bool InRange(DateTimeOffset t) => start <= t && t < end;
        SubscriberRecord? Sub(long p, string a) => r.Subscribers.FirstOrDefault(s => s.PlatformId == p && s.AccountId == a);
        bool IpMatch(AccessLogRecord l, OrderSelector s) => s.Kind == SelectorKind.IpAddress && l.IpAddress == s.Value && (s.Port is null || s.Port == l.SourcePort) && InRange(l.At);
        bool Names(OrderSelector s, long p, string a) => s.Kind switch
        {
            SelectorKind.AccountId => s.Value == a,
            SelectorKind.Username => Sub(p, a)?.Username == s.Value,
            SelectorKind.EmailAddress => Sub(p, a)?.Email == s.Value,
            SelectorKind.PhoneNumber => Sub(p, a) is { Phone: { } ph } && ph == s.Value,
            SelectorKind.IpAddress => r.AccessLogs.Any(l => l.PlatformId == p && l.AccountId == a && IpMatch(l, s)),
            _ => false,
        };
        bool Named(long p, string a) => task.Selectors.Any(s => Names(s, p, a)) && !(ukUs && Sub(p, a) is { UsPerson: true });
        var named = new HashSet<(long, string)>();
        foreach (var p in new long[] { 1, 2 })
        {
            foreach (var a in Accounts)
            {
                if (Named(p, a))
                {
                    named.Add((p, a));
                }
            }
        }
        static string T(DateTimeOffset t) => t.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        string P(long p) => r.Platforms[p];
        var rows = Carries[task.Category!.Value].ToDictionary(t => t, _ => new List<JsonObject>(), StringComparer.Ordinal);
        switch (task.Category)
        {
            case DataCategory.SubscriberData:
                rows["subscribers"].AddRange(r.Subscribers.Where(s => Named(s.PlatformId, s.AccountId) && s.AccountCreatedAt < end).Select(s => new JsonObject
                {
                    ["platform"] = P(s.PlatformId), ["account_id"] = s.AccountId, ["username"] = s.Username, ["names_given"] = s.NamesGiven, ["email"] = s.Email,
                    ["phone"] = s.Phone, ["account_created_at"] = T(s.AccountCreatedAt), ["country"] = s.Country,
                }));
                break;
            case DataCategory.UserIdentifyingData:
                rows["user_identities"].AddRange(r.AccessLogs.Where(l => Named(l.PlatformId, l.AccountId) && task.Selectors.Any(s => IpMatch(l, s))).Select(l =>
                {
                    var s = Sub(l.PlatformId, l.AccountId);
                    return new JsonObject
                    {
                        ["platform"] = P(l.PlatformId), ["at"] = T(l.At), ["ip_address"] = l.IpAddress, ["source_port"] = l.SourcePort, ["account_id"] = l.AccountId,
                        ["username"] = s?.Username, ["names_given"] = s?.NamesGiven, ["email"] = s?.Email, ["phone"] = s?.Phone,
                    };
                }));
                break;
            case DataCategory.TrafficData:
                rows["access_logs"].AddRange(r.AccessLogs.Where(l => Named(l.PlatformId, l.AccountId) && InRange(l.At)).Select(l => new JsonObject
                {
                    ["platform"] = P(l.PlatformId), ["account_id"] = l.AccountId, ["at"] = T(l.At), ["ip_address"] = l.IpAddress, ["source_port"] = l.SourcePort, ["device_id"] = l.DeviceId,
                }));
                rows["messages"].AddRange(r.Messages.Where(m => InRange(m.At) && m.RecipientAccountIds.Append(m.SenderAccountId).Any(a => Named(m.PlatformId, a))).Select(m => new JsonObject
                {
                    ["platform"] = P(m.PlatformId), ["message_id"] = m.MessageId, ["sender_account_id"] = m.SenderAccountId,
                    ["recipient_account_ids"] = new JsonArray([.. m.RecipientAccountIds.Select(x => (JsonNode)x)]), ["at"] = T(m.At), ["size_bytes"] = m.SizeBytes, ["e2ee"] = m.E2ee,
                }));
                break;
            case DataCategory.StoredContentData:
                rows["stored_content"].AddRange(r.StoredContent.Where(c => Named(c.PlatformId, c.AccountId) && InRange(c.At)).Select(c => new JsonObject
                {
                    ["platform"] = P(c.PlatformId), ["item_id"] = c.ItemId, ["account_id"] = c.AccountId, ["at"] = T(c.At), ["content_type"] = c.ContentType,
                    ["text"] = c.Text, ["body_base64"] = c.Body is null ? null : Convert.ToBase64String(c.Body),
                }));
                rows["media_hashes"].AddRange(r.MediaHashes.Where(h => Named(h.PlatformId, h.AccountId) && InRange(h.At)).Select(h => new JsonObject
                {
                    ["platform"] = P(h.PlatformId), ["item_id"] = h.ItemId, ["account_id"] = h.AccountId, ["at"] = T(h.At), ["algorithm"] = h.Algorithm, ["hash"] = h.Hash,
                }));
                break;
        }
        return (rows, named);
    }

    private static IEnumerable<(long, string)> RowAccounts(string type, JsonObject row)
    {
        var p = (string)row["platform"]! == "p-one" ? 1L : 2L;
        if (type == "messages")
        {
            yield return (p, (string)row["sender_account_id"]!);
            foreach (var a in row["recipient_account_ids"]!.AsArray())
            {
                yield return (p, (string)a!);
            }
        }
        else
        {
            yield return (p, (string)row["account_id"]!);
        }
    }
}
