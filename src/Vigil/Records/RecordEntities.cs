namespace Vigil.Records;

/// <summary>The record categories a platform keeps so that it can answer orders; retention is set per category.</summary>
public enum RecordCategory
{
    Subscriber,
    AccessLog,
    MessageMetadata,
    StoredContent,
    MediaHash,
}

/// <summary>Subscriber data of one platform account (one row per account, updated in place).</summary>
public sealed class SubscriberRecord
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public required string AccountId { get; set; }

    /// <summary>Stored lower-case, as <see cref="Orders.Selectors"/> normalises usernames.</summary>
    public string? Username { get; set; }

    /// <summary>Names the user gave (display name, real name where the platform asks for one).</summary>
    public string? NamesGiven { get; set; }

    /// <summary>Lower-case.</summary>
    public string? Email { get; set; }

    /// <summary>E.164.</summary>
    public string? Phone { get; set; }

    public DateTimeOffset AccountCreatedAt { get; set; }

    /// <summary>ISO 3166-1 alpha-2 the platform holds for the account.</summary>
    public string? Country { get; set; }

    /// <summary>The platform believes the account belongs to a US person (UK–US orders may not target it).</summary>
    public bool UsPerson { get; set; }

    /// <summary>When Vigil last received this record; retention runs from here.</summary>
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>One login or access: who, when, from which address and port, on which device.</summary>
public sealed class AccessLogRecord
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public required string AccountId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Canonical text form (as <see cref="Orders.Selectors"/> normalises IP addresses).</summary>
    public required string IpAddress { get; set; }

    public int? SourcePort { get; set; }

    public string? DeviceId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>Metadata of one message: never its body (end-to-end-encrypted bodies never reach Vigil).</summary>
public sealed class MessageMetadataRecord
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public required string MessageId { get; set; }

    public required string SenderAccountId { get; set; }

    public List<string> RecipientAccountIds { get; set; } = [];

    public DateTimeOffset At { get; set; }

    public long SizeBytes { get; set; }

    public bool E2ee { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>Stored content of an item that is not end-to-end encrypted (the records API refuses E2EE items).</summary>
public sealed class StoredContentRecord
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public required string ItemId { get; set; }

    public required string AccountId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string ContentType { get; set; }

    public string? Text { get; set; }

    public byte[]? Body { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A hash of a media item an account posted (<c>pdq</c>, <c>md5</c>, <c>sha256</c>, lower-case hex).</summary>
public sealed class MediaHashRecord
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public required string ItemId { get; set; }

    public required string AccountId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Algorithm { get; set; }

    public required string Hash { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// Index row: one per sender and per recipient of a message, so "the traffic of account A between t1 and t2" is one
/// range scan on (account, time) whatever the message's role.
/// </summary>
public sealed class MessageParticipant
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>The <see cref="MessageMetadataRecord.Id"/> it indexes.</summary>
    public long MessageRecordId { get; set; }

    public required string AccountId { get; set; }

    /// <summary>The message's time (the partition key on PostgreSQL, as for the message row).</summary>
    public DateTimeOffset At { get; set; }

    public bool IsSender { get; set; }
}
