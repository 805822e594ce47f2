using System.Globalization;
using Vigil.Records;

namespace Vigil.Disclosure;

// The minimisation table of docs/disclosure.md, as code: each row type below is the complete list of fields a record
// type carries in a package. Rows are built from records by copying these fields only, so anything a record holds
// beyond them (the US-person flag, internal row ids, platform ids, RecordedAt) cannot be serialised.

/// <summary>A disclosed row: its field names (JSON and CSV, in order) and values as CSV text.</summary>
public interface IDisclosureRow
{
    /// <summary>The account the row is about (for the "never another account" checks and user notices).</summary>
    string AccountId { get; }

    IReadOnlyList<string?> CsvValues();
}

internal static class RowText
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string? Int(long? v) => v?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>SubscriberData: one account's subscriber record.</summary>
public sealed record SubscriberRow(string Platform, string AccountId, string? Username, string? NamesGiven, string? Email, string? Phone, string AccountCreatedAt, string? Country) : IDisclosureRow
{
    public static readonly IReadOnlyList<string> Fields = ["platform", "account_id", "username", "names_given", "email", "phone", "account_created_at", "country"];

    public static SubscriberRow From(SubscriberRecord r, string platform)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(platform, r.AccountId, r.Username, r.NamesGiven, r.Email, r.Phone, RowText.Time(r.AccountCreatedAt), r.Country);
    }

    public IReadOnlyList<string?> CsvValues() => [Platform, AccountId, Username, NamesGiven, Email, Phone, AccountCreatedAt, Country];
}

/// <summary>UserIdentifyingData: who used an IP address (and port) at a time, with the account's identity fields.</summary>
public sealed record UserIdentityRow(string Platform, string At, string IpAddress, int? SourcePort, string AccountId, string? Username, string? NamesGiven, string? Email, string? Phone) : IDisclosureRow
{
    public static readonly IReadOnlyList<string> Fields = ["platform", "at", "ip_address", "source_port", "account_id", "username", "names_given", "email", "phone"];

    public static UserIdentityRow From(AccessLogRecord a, SubscriberRecord? s, string platform)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(platform, RowText.Time(a.At), a.IpAddress, a.SourcePort, a.AccountId, s?.Username, s?.NamesGiven, s?.Email, s?.Phone);
    }

    public IReadOnlyList<string?> CsvValues() => [Platform, At, IpAddress, RowText.Int(SourcePort), AccountId, Username, NamesGiven, Email, Phone];
}

/// <summary>TrafficData: one login or access of a selected account.</summary>
public sealed record AccessLogRow(string Platform, string AccountId, string At, string IpAddress, int? SourcePort, string? DeviceId) : IDisclosureRow
{
    public static readonly IReadOnlyList<string> Fields = ["platform", "account_id", "at", "ip_address", "source_port", "device_id"];

    public static AccessLogRow From(AccessLogRecord a, string platform)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(platform, a.AccountId, RowText.Time(a.At), a.IpAddress, a.SourcePort, a.DeviceId);
    }

    public IReadOnlyList<string?> CsvValues() => [Platform, AccountId, At, IpAddress, RowText.Int(SourcePort), DeviceId];
}

/// <summary>TrafficData: metadata of a message a selected account sent or received (never a body).</summary>
public sealed record MessageRow(string Platform, string MessageId, string SenderAccountId, IReadOnlyList<string> RecipientAccountIds, string At, long SizeBytes, bool E2ee) : IDisclosureRow
{
    public static readonly IReadOnlyList<string> Fields = ["platform", "message_id", "sender_account_id", "recipient_account_ids", "at", "size_bytes", "e2ee"];

    string IDisclosureRow.AccountId => SenderAccountId;

    public static MessageRow From(MessageMetadataRecord m, string platform)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(platform, m.MessageId, m.SenderAccountId, [.. m.RecipientAccountIds], RowText.Time(m.At), m.SizeBytes, m.E2ee);
    }

    // Recipients joined with spaces: account ids never contain whitespace (selector and records rules).
    public IReadOnlyList<string?> CsvValues() => [Platform, MessageId, SenderAccountId, string.Join(' ', RecipientAccountIds), At, RowText.Int(SizeBytes), E2ee ? "true" : "false"];
}

/// <summary>StoredContentData: an item a selected account stored (only items that are not end-to-end encrypted exist).</summary>
public sealed record StoredContentRow(string Platform, string ItemId, string AccountId, string At, string ContentType, string? Text, string? BodyBase64) : IDisclosureRow
{
    public static readonly IReadOnlyList<string> Fields = ["platform", "item_id", "account_id", "at", "content_type", "text", "body_base64"];

    public static StoredContentRow From(StoredContentRecord c, string platform)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(platform, c.ItemId, c.AccountId, RowText.Time(c.At), c.ContentType, c.Text, c.Body is null ? null : Convert.ToBase64String(c.Body));
    }

    public IReadOnlyList<string?> CsvValues() => [Platform, ItemId, AccountId, At, ContentType, Text, BodyBase64];
}

/// <summary>StoredContentData: a hash of a media item a selected account posted.</summary>
public sealed record MediaHashRow(string Platform, string ItemId, string AccountId, string At, string Algorithm, string Hash) : IDisclosureRow
{
    public static readonly IReadOnlyList<string> Fields = ["platform", "item_id", "account_id", "at", "algorithm", "hash"];

    public static MediaHashRow From(MediaHashRecord h, string platform)
    {
        ArgumentNullException.ThrowIfNull(h);
        return new(platform, h.ItemId, h.AccountId, RowText.Time(h.At), h.Algorithm, h.Hash);
    }

    public IReadOnlyList<string?> CsvValues() => [Platform, ItemId, AccountId, At, Algorithm, Hash];
}
