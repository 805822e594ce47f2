using Vigil.Authorities;

namespace Vigil.Orders;

/// <summary>The order's lifecycle (PRODUCT.md capability 4); <see cref="OrderLifecycle"/> says which moves are valid.</summary>
public enum OrderState
{
    Received,
    Authenticated,
    UnderReview,
    ClarificationRequested,
    Approved,
    PartiallyApproved,
    Rejected,
    Suspended,
    Preserved,
    Disclosed,
    Removed,
    Closed,
}

/// <summary>How the order reached Vigil.</summary>
public enum OrderChannel
{
    Hi1Json,
    Hi1Xml,
    PortalForm,
}

/// <summary>What a task asks the platform to do.</summary>
public enum TaskKind
{
    Disclosure,
    Preservation,
    Removal,
}

/// <summary>A legal officer's decision on one task, so an order can be partially approved.</summary>
public enum TaskDecision
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>How a selector names its target. Only specific identifiers: never wildcards or ranges.</summary>
public enum SelectorKind
{
    AccountId,
    Username,
    EmailAddress,
    PhoneNumber,
    IpAddress,
    ItemId,
    Url,
}

/// <summary>
/// A lawful order from a registered authority (an HI-1 AuthorisationObject with its tasks and documents, or a portal
/// form). Its state only changes through <see cref="OrderLifecycle.Move"/>, which records each transition.
/// </summary>
public sealed class LegalOrder
{
    public long Id { get; set; }

    public long AuthorityId { get; set; }

    public Authority? Authority { get; set; }

    public LegalInstrument Instrument { get; set; }

    /// <summary>The authority's own reference (HI-1 <c>AuthorisationReference</c>).</summary>
    public required string Reference { get; set; }

    /// <summary>HI-1 <c>ObjectIdentifier</c> of the AuthorisationObject (a UUID); unique per authority. Null for portal forms.</summary>
    public string? Hi1ObjectId { get; set; }

    /// <summary>HI-1 <c>TransactionIdentifier</c> of the CREATE that brought it.</summary>
    public string? Hi1TransactionId { get; set; }

    public OrderChannel Channel { get; set; }

    public OrderState State { get; set; }

    public bool Emergency { get; set; }

    /// <summary>Who submitted it: the key id for signed requests, the portal user's id for forms.</summary>
    public required string SubmittedBy { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>When the answer is due, moved later by every clarification pause; null when the instrument sets no deadline.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>Set while the deadline is paused (state ClarificationRequested).</summary>
    public DateTimeOffset? PausedAt { get; set; }

    /// <summary>The authorisation's own validity (HI-1 <c>AuthorisationTimespan</c>).</summary>
    public DateTimeOffset? AuthorisedFrom { get; set; }

    public DateTimeOffset? AuthorisedTo { get; set; }

    /// <summary>Ground chosen from <see cref="RejectionGrounds"/> when rejected.</summary>
    public string? RejectionGround { get; set; }

    /// <summary>UK–US orders: the requester attests the target is not a US person.</summary>
    public bool NotUsPersonAttested { get; set; }

    /// <summary>e-Evidence: code or name of the enforcing authority notified of the order, if any.</summary>
    public string? EnforcingAuthority { get; set; }

    /// <summary>The affected users may not be told before this time (delayed user information / non-disclosure); null: no restriction.</summary>
    public DateTimeOffset? UserNoticeNotBefore { get; set; }

    /// <summary>For emergency requests: when a legal officer recorded the out-of-band callback, who, and to which registered number.</summary>
    public DateTimeOffset? CallbackRecordedAt { get; set; }

    public string? CallbackRecordedBy { get; set; }

    public string? CallbackNumber { get; set; }

    /// <summary>For emergency requests: the supervisor (a different officer) who confirmed the callback.</summary>
    public DateTimeOffset? CallbackConfirmedAt { get; set; }

    public string? CallbackConfirmedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<OrderTask> Tasks { get; set; } = [];

    public List<OrderDocument> Documents { get; set; } = [];

    public List<OrderTransition> Transitions { get; set; } = [];

    /// <summary>True when an emergency request may be acted on: callback recorded and confirmed by two different people.</summary>
    public bool EmergencyCallbackConfirmed =>
        CallbackRecordedAt is not null && CallbackConfirmedAt is not null
        && !string.Equals(CallbackRecordedBy, CallbackConfirmedBy, StringComparison.Ordinal);
}

/// <summary>One thing an order asks (an HI-1 LDTaskObject): a category of data, for selectors, over a time range.</summary>
public sealed class OrderTask
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public LegalOrder? Order { get; set; }

    /// <summary>HI-1 <c>ObjectIdentifier</c> of the LDTaskObject; null for portal forms.</summary>
    public string? Hi1ObjectId { get; set; }

    /// <summary>HI-1 <c>task:Reference</c> (the LDID) or a form-assigned reference.</summary>
    public string? Reference { get; set; }

    public TaskKind Kind { get; set; }

    /// <summary>The data asked for; null only for removal tasks.</summary>
    public DataCategory? Category { get; set; }

    /// <summary>Time range of the data in scope; both are required for disclosure and preservation (bounded ranges only).</summary>
    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    public TaskDecision Decision { get; set; }

    public List<OrderSelector> Selectors { get; set; } = [];
}

/// <summary>One specific identifier a task targets, stored normalised (lower-case e-mail, E.164 phone, canonical IP).</summary>
public sealed class OrderSelector
{
    public long Id { get; set; }

    public long TaskId { get; set; }

    public SelectorKind Kind { get; set; }

    public required string Value { get; set; }

    /// <summary>Source port with an IP address (carrier-grade NAT); null for any port.</summary>
    public int? Port { get; set; }
}

/// <summary>The signed order document (HI-1 DocumentObject) as received.</summary>
public sealed class OrderDocument
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public string? Hi1ObjectId { get; set; }

    public required string Reference { get; set; }

    /// <summary>HI-1 DocumentType value (e.g. <c>Warrant</c>).</summary>
    public required string DocumentType { get; set; }

    public required string ContentType { get; set; }

    public required byte[] Content { get; set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>, written to the ledger instead of the document.</summary>
    public required string Sha256 { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>One state change of an order, with who made it and why (also written to the ledger).</summary>
public sealed class OrderTransition
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public OrderState From { get; set; }

    public OrderState To { get; set; }

    public required string Actor { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>
/// A hold that stops the retention purge from deleting records in scope: selector x category (null: all) x time range,
/// until it expires or is released.
/// </summary>
public sealed class PreservationHold
{
    public long Id { get; set; }

    public long AuthorityId { get; set; }

    /// <summary>The order that asked for it; null for holds a legal officer placed by hand.</summary>
    public long? OrderId { get; set; }

    public SelectorKind SelectorKind { get; set; }

    public required string SelectorValue { get; set; }

    public int? Port { get; set; }

    public DataCategory? Category { get; set; }

    public DateTimeOffset? DataFrom { get; set; }

    public DateTimeOffset? DataTo { get; set; }

    public DateTimeOffset HeldAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public int Extensions { get; set; }

    public DateTimeOffset? ReleasedAt { get; set; }

    public string? ReleasedBy { get; set; }

    /// <summary>In force at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => ReleasedAt is null && now < ExpiresAt;
}

/// <summary>The grounds a legal officer may give for rejecting an order (a list, so reports can count them).</summary>
public static class RejectionGrounds
{
    public static readonly IReadOnlyList<string> All =
    [
        "not_specific",
        "instrument_not_available",
        "outside_jurisdiction",
        "us_person",
        "no_such_account",
        "data_not_held",
        "e2ee_content_not_accessible",
        "fundamental_rights",
        "manifest_error",
        "incomplete",
        "expired",
        "not_authentic",
        "other",
    ];

    public static bool IsKnown(string ground) => All.Contains(ground, StringComparer.Ordinal);
}
