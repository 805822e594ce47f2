namespace Vigil.Banks;

/// <summary>Whether a bank's matches flag content or veto other banks' matches.</summary>
public enum BankKind
{
    /// <summary>Known harmful content: a match flags the item.</summary>
    Positive = 0,

    /// <summary>Known false positives: a match here vetoes matches of positive banks.</summary>
    Negative = 1,
}

/// <summary>A named list of hashes with labels, e.g. a GIFCT or Tech Against Terrorism list.</summary>
public sealed class HashBank
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public BankKind Kind { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Largest PDQ Hamming distance that counts as a match (PDQ's documented default is 31).</summary>
    public int PdqMaxDistance { get; set; } = BankDefaults.PdqMaxDistance;

    /// <summary>PDQ hashes of lower quality are not trusted for matching (PDQ documentation: 50).</summary>
    public int PdqMinQuality { get; set; } = BankDefaults.PdqMinQuality;

    /// <summary>Smallest estimated Jaccard similarity that counts as a near-duplicate text.</summary>
    public double TextMinSimilarity { get; set; } = BankDefaults.TextMinSimilarity;

    public DateTimeOffset CreatedAt { get; set; }
    public List<BankEntry> Entries { get; set; } = [];
}

public static class BankDefaults
{
    public const int PdqMaxDistance = 31;
    public const int PdqMinQuality = 50;
    public const double TextMinSimilarity = 0.5;
}

/// <summary>One signal in a bank with the labels the source gave it.</summary>
public sealed class BankEntry
{
    public long Id { get; set; }
    public long BankId { get; set; }
    public HashBank? Bank { get; set; }
    public SignalType SignalType { get; set; }

    /// <summary>Canonical text of the signal (lowercase hex for hashes).</summary>
    public required string Signal { get; set; }

    /// <summary>The terrorist entity the content is attributed to, if known.</summary>
    public string? Entity { get; set; }
    public string? Ideology { get; set; }

    /// <summary>What the content is: image, video, text, or a MIME type.</summary>
    public string? ContentType { get; set; }

    /// <summary>1 (low) to 5 (highest); drives review priority later.</summary>
    public int? Severity { get; set; }

    /// <summary>Source's confidence, 0..1, where the source gives one.</summary>
    public double? Confidence { get; set; }

    /// <summary>Free tags from the source, comma separated.</summary>
    public string? Tags { get; set; }

    /// <summary>Where the entry came from (a list, a file, a moderator).</summary>
    public string? Source { get; set; }

    /// <summary>The entry's identifier at its source, if it has one.</summary>
    public string? SourceRef { get; set; }

    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Set when flood protection takes the entry out of matching.</summary>
    public DateTimeOffset? QuarantinedAt { get; set; }
    public string? QuarantineReason { get; set; }

    public bool IsActive => Enabled && QuarantinedAt is null;
}

/// <summary>How far an incremental import from one source has got.</summary>
public sealed class ImportCheckpoint
{
    public long Id { get; set; }
    public long BankId { get; set; }
    public required string Source { get; set; }
    public required string Format { get; set; }

    /// <summary>The source's paging cursor (a GIFCT next_page_token, a TAT checkpoint) to resume from.</summary>
    public string? Cursor { get; set; }

    /// <summary>Newest record time seen from this source.</summary>
    public DateTimeOffset? NewestRecord { get; set; }
    public bool HasMore { get; set; }
    public int Imports { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
