namespace Vigil.Ingest;

/// <summary>One content event a platform sent, stored as received; matching comes later in the pipeline.</summary>
public sealed class IngestItem
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>The platform's own id for the item; unique per platform, which makes resending safe.</summary>
    public required string ItemId { get; set; }

    /// <summary>post, comment, direct_message, image, profile_update or account.</summary>
    public required string Type { get; set; }

    public required string AccountId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? Text { get; set; }

    public bool E2ee { get; set; }

    public byte[]? ImageSha256 { get; set; }

    public byte[]? Image { get; set; }

    /// <summary>When the detection pipeline finished with the item (signals, rules, actions stored); null while it waits.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>The item's <c>metadata</c> object as JSON text.</summary>
    public string? Metadata { get; set; }
}
