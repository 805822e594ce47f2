using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Records;

namespace Vigil.Disclosure;

/// <summary>One platform account: accounts are unique per platform, so the platform is part of the key.</summary>
public readonly record struct AccountKey(long PlatformId, string AccountId);

/// <summary>
/// The records a scope is evaluated against: the whole store in tests, or the candidate rows the database path loaded
/// for one task (a superset of the scope, narrowed here). Platform names label rows in the package.
/// </summary>
public sealed class RecordSet
{
    public IReadOnlyDictionary<long, string> Platforms { get; init; } = new Dictionary<long, string>();
    public IReadOnlyList<SubscriberRecord> Subscribers { get; init; } = [];
    public IReadOnlyList<AccessLogRecord> AccessLogs { get; init; } = [];
    public IReadOnlyList<MessageMetadataRecord> Messages { get; init; } = [];
    public IReadOnlyList<StoredContentRecord> StoredContent { get; init; } = [];
    public IReadOnlyList<MediaHashRecord> MediaHashes { get; init; } = [];
}

/// <summary>What one task discloses: minimised rows per record type and the accounts they are about.</summary>
public sealed class TaskDisclosure
{
    public List<SubscriberRow> Subscribers { get; } = [];
    public List<UserIdentityRow> UserIdentities { get; } = [];
    public List<AccessLogRow> AccessLogs { get; } = [];
    public List<MessageRow> Messages { get; } = [];
    public List<StoredContentRow> StoredContent { get; } = [];
    public List<MediaHashRow> MediaHashes { get; } = [];

    /// <summary>The accounts whose records this task discloses (they get a user notice).</summary>
    public HashSet<AccountKey> Accounts { get; } = [];

    /// <summary>Accounts the selectors resolved to but that were left out because the order may not target US persons.</summary>
    public int ExcludedUsPersons { get; set; }

    /// <summary>Rows per record type, with the type names used in the JSON and CSV files.</summary>
    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        [RecordTypes.Subscribers] = Subscribers.Count,
        [RecordTypes.UserIdentities] = UserIdentities.Count,
        [RecordTypes.AccessLogs] = AccessLogs.Count,
        [RecordTypes.Messages] = Messages.Count,
        [RecordTypes.StoredContent] = StoredContent.Count,
        [RecordTypes.MediaHashes] = MediaHashes.Count,
    };

    public int Total => Subscribers.Count + UserIdentities.Count + AccessLogs.Count + Messages.Count + StoredContent.Count + MediaHashes.Count;
}

/// <summary>The record types of a package (JSON property names and CSV file names).</summary>
public static class RecordTypes
{
    public const string Subscribers = "subscribers";
    public const string UserIdentities = "user_identities";
    public const string AccessLogs = "access_logs";
    public const string Messages = "messages";
    public const string StoredContent = "stored_content";
    public const string MediaHashes = "media_hashes";

    /// <summary>The record types each category carries (docs/disclosure.md, "Minimisation").</summary>
    public static IReadOnlyList<string> For(DataCategory category) => category switch
    {
        DataCategory.SubscriberData => [Subscribers],
        DataCategory.UserIdentifyingData => [UserIdentities],
        DataCategory.TrafficData => [AccessLogs, Messages],
        DataCategory.StoredContentData => [StoredContent, MediaHashes],
        _ => [],
    };
}

/// <summary>
/// The exact-scope rule as a pure function: a task's selectors resolve to accounts, and the task's category and time
/// range [start, end) pick those accounts' records. The database path loads candidates and calls this, so the rule
/// lives in one place and the property test can run it over many orders in memory.
/// </summary>
public static class DisclosureScope
{
    /// <summary>True when tasks of this order may not disclose US persons' records (UK–US agreement).</summary>
    public static bool ExcludesUsPersons(LegalInstrument instrument) => instrument == LegalInstrument.UkUsOverseasProductionOrder;

    /// <summary>The accounts a task's selectors name, before the US-person rule.</summary>
    public static HashSet<AccountKey> ResolveAccounts(OrderTask task, RecordSet records)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(records);
        var (start, end) = Range(task);
        var accounts = new HashSet<AccountKey>();
        foreach (var s in task.Selectors)
        {
            switch (s.Kind)
            {
                case SelectorKind.AccountId:
                    // An account id names the account on every platform that has it (in any record type).
                    foreach (var p in PlatformsWithAccount(records, s.Value))
                    {
                        accounts.Add(new AccountKey(p, s.Value));
                    }
                    break;
                case SelectorKind.Username:
                    accounts.UnionWith(records.Subscribers.Where(r => r.Username == s.Value).Select(Key));
                    break;
                case SelectorKind.EmailAddress:
                    accounts.UnionWith(records.Subscribers.Where(r => r.Email == s.Value).Select(Key));
                    break;
                case SelectorKind.PhoneNumber:
                    accounts.UnionWith(records.Subscribers.Where(r => r.Phone == s.Value).Select(Key));
                    break;
                case SelectorKind.IpAddress:
                    accounts.UnionWith(records.AccessLogs.Where(a => AtAddress(a, s) && In(a.At, start, end)).Select(a => new AccountKey(a.PlatformId, a.AccountId)));
                    break;
                default:
                    // Item ids and URLs name content, not accounts: they drive removal tasks, never a disclosure.
                    break;
            }
        }
        return accounts;
    }

    /// <summary>Evaluates one disclosure task against <paramref name="records"/>; rows come out in a stable order.</summary>
    public static TaskDisclosure Evaluate(OrderTask task, bool excludeUsPersons, RecordSet records)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(records);
        var result = new TaskDisclosure();
        if (task.Kind != TaskKind.Disclosure || task.Category is not { } category)
        {
            return result;
        }
        var (start, end) = Range(task);
        var subscribers = records.Subscribers
            .GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var accounts = ResolveAccounts(task, records);
        if (excludeUsPersons)
        {
            var us = accounts.Where(a => subscribers.TryGetValue(a, out var r) && r.UsPerson).ToList();
            result.ExcludedUsPersons = us.Count;
            accounts.ExceptWith(us);
        }
        string Platform(long id) => records.Platforms.TryGetValue(id, out var n) ? n : id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        switch (category)
        {
            case DataCategory.SubscriberData:
                // Subscriber data is the account's current record; it is in range when the account existed before the range ended.
                foreach (var r in subscribers.Values.Where(r => accounts.Contains(Key(r)) && r.AccountCreatedAt < end)
                             .OrderBy(r => r.PlatformId).ThenBy(r => r.AccountId, StringComparer.Ordinal))
                {
                    result.Subscribers.Add(SubscriberRow.From(r, Platform(r.PlatformId)));
                    result.Accounts.Add(Key(r));
                }
                break;
            case DataCategory.UserIdentifyingData:
                // "Who used IP address x (and port y) at time t": only IP selectors ask this question.
                foreach (var a in records.AccessLogs
                             .Where(a => In(a.At, start, end) && accounts.Contains(new AccountKey(a.PlatformId, a.AccountId))
                                         && task.Selectors.Any(s => s.Kind == SelectorKind.IpAddress && AtAddress(a, s)))
                             .OrderBy(a => a.At).ThenBy(a => a.Id))
                {
                    var key = new AccountKey(a.PlatformId, a.AccountId);
                    result.UserIdentities.Add(UserIdentityRow.From(a, subscribers.GetValueOrDefault(key), Platform(a.PlatformId)));
                    result.Accounts.Add(key);
                }
                break;
            case DataCategory.TrafficData:
                foreach (var a in records.AccessLogs
                             .Where(a => In(a.At, start, end) && accounts.Contains(new AccountKey(a.PlatformId, a.AccountId)))
                             .OrderBy(a => a.At).ThenBy(a => a.Id))
                {
                    result.AccessLogs.Add(AccessLogRow.From(a, Platform(a.PlatformId)));
                    result.Accounts.Add(new AccountKey(a.PlatformId, a.AccountId));
                }
                foreach (var m in records.Messages
                             .Where(m => In(m.At, start, end))
                             .GroupBy(m => m.Id).Select(g => g.First())
                             .OrderBy(m => m.At).ThenBy(m => m.Id))
                {
                    var involved = Participants(m).Where(accounts.Contains).ToList();
                    if (involved.Count == 0)
                    {
                        continue;
                    }
                    result.Messages.Add(MessageRow.From(m, Platform(m.PlatformId)));
                    result.Accounts.UnionWith(involved);
                }
                break;
            case DataCategory.StoredContentData:
                foreach (var c in records.StoredContent
                             .Where(c => In(c.At, start, end) && accounts.Contains(new AccountKey(c.PlatformId, c.AccountId)))
                             .OrderBy(c => c.At).ThenBy(c => c.Id))
                {
                    result.StoredContent.Add(StoredContentRow.From(c, Platform(c.PlatformId)));
                    result.Accounts.Add(new AccountKey(c.PlatformId, c.AccountId));
                }
                foreach (var h in records.MediaHashes
                             .Where(h => In(h.At, start, end) && accounts.Contains(new AccountKey(h.PlatformId, h.AccountId)))
                             .OrderBy(h => h.At).ThenBy(h => h.Id))
                {
                    result.MediaHashes.Add(MediaHashRow.From(h, Platform(h.PlatformId)));
                    result.Accounts.Add(new AccountKey(h.PlatformId, h.AccountId));
                }
                break;
        }
        return result;
    }

    /// <summary>The sender and recipients of a message as accounts of its platform.</summary>
    public static IEnumerable<AccountKey> Participants(MessageMetadataRecord m)
    {
        ArgumentNullException.ThrowIfNull(m);
        yield return new AccountKey(m.PlatformId, m.SenderAccountId);
        foreach (var r in m.RecipientAccountIds)
        {
            yield return new AccountKey(m.PlatformId, r);
        }
    }

    internal static (DateTimeOffset Start, DateTimeOffset End) Range(OrderTask task) =>
        // Validation refuses disclosure tasks without both bounds; an unbounded task selects nothing rather than everything.
        (task.StartTime ?? DateTimeOffset.MaxValue, task.EndTime ?? DateTimeOffset.MinValue);

    private static bool In(DateTimeOffset at, DateTimeOffset start, DateTimeOffset end) => at >= start && at < end;

    private static bool AtAddress(AccessLogRecord a, OrderSelector s) =>
        a.IpAddress == s.Value && (s.Port is null || a.SourcePort == s.Port);

    private static AccountKey Key(SubscriberRecord r) => new(r.PlatformId, r.AccountId);

    private static IEnumerable<long> PlatformsWithAccount(RecordSet records, string accountId) =>
        records.Subscribers.Where(r => r.AccountId == accountId).Select(r => r.PlatformId)
            .Concat(records.AccessLogs.Where(r => r.AccountId == accountId).Select(r => r.PlatformId))
            .Concat(records.Messages.Where(m => m.SenderAccountId == accountId || m.RecipientAccountIds.Contains(accountId)).Select(r => r.PlatformId))
            .Concat(records.StoredContent.Where(r => r.AccountId == accountId).Select(r => r.PlatformId))
            .Concat(records.MediaHashes.Where(r => r.AccountId == accountId).Select(r => r.PlatformId))
            .Distinct();
}
