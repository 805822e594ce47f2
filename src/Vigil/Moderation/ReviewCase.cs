namespace Vigil.Moderation;

/// <summary>Why a case is in the review queue.</summary>
public enum ReviewCaseKind
{
    /// <summary>A rule's review action (or a removal order) asks a person to look.</summary>
    Flag,

    /// <summary>The affected user complained about a decision; a different reviewer decides.</summary>
    Appeal,

    /// <summary>A decided case drawn for blind re-review, to measure agreement.</summary>
    QualitySample,
}

/// <summary>Where a case stands.</summary>
public enum ReviewCaseState
{
    Open,
    Assigned,
    Decided,
}

/// <summary>
/// One entry of the moderation queue: an ingested item a person must look at. The queue is ordered by
/// <see cref="Priority"/> (severity x confidence, from the rule that asked) and then by age.
/// </summary>
public sealed class ReviewCase
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>The <c>ingest_items</c> row the case is about.</summary>
    public long IngestItemId { get; set; }

    public ReviewCaseKind Kind { get; set; }

    public ReviewCaseState State { get; set; }

    /// <summary>Queue name (for example <c>tvec</c>, <c>imminent-threat</c>); <c>default</c> when the rule named none.</summary>
    public required string Queue { get; set; }

    public double Priority { get; set; }

    /// <summary>The rule that asked for review, when a rule did.</summary>
    public string? RuleId { get; set; }

    /// <summary>The rule's reason text, shown to the moderator.</summary>
    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Staff user id of the moderator working the case.</summary>
    public string? AssignedTo { get; set; }

    public DateTimeOffset? AssignedAt { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>When the case must be decided by (appeals); null when no deadline applies.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The case this one re-examines (appeals and quality samples).</summary>
    public long? ParentCaseId { get; set; }

    /// <summary>
    /// The staff user who decided the parent case (appeals and quality samples): the desk never assigns this case to
    /// them and refuses their decision on it.
    /// </summary>
    public string? ExcludedReviewer { get; set; }
}
