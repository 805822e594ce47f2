namespace Vigil.Detection.Rules;

/// <summary>Whether a rule acts, or only records what it would have done.</summary>
public enum RuleMode
{
    Enforce,
    Shadow,
}

/// <summary>What a rule can do.</summary>
public enum ActionKind
{
    Review,
    Remove,
    Restrict,
    SuspendAccount,
    PreserveEvidence,
    Refer,
}

/// <summary>One action a fired rule asks for, with its reason text filled in.</summary>
public sealed record PlannedAction(string RuleId, ActionKind Kind, string Reason)
{
    /// <summary>Review priority (review only).</summary>
    public double? Priority { get; init; }

    /// <summary>Review queue (review only; null for the default queue).</summary>
    public string? Queue { get; init; }

    /// <summary>Country of the authority to refer to (refer only; null when the item's own country decides).</summary>
    public string? AuthorityCountry { get; init; }
}

/// <summary>A rule that fired, and the condition values that made it fire.</summary>
public sealed record RuleFiring(string RuleId, RuleMode Mode, IReadOnlyList<string> Evidence);

/// <summary>
/// The outcome of evaluating all rules on one item. Shadow rules' actions are kept apart from the
/// enforced ones so that callers can record them without carrying them out.
/// </summary>
public sealed record Decision(string ItemId, IReadOnlyList<RuleFiring> Fired, IReadOnlyList<PlannedAction> Enforced, IReadOnlyList<PlannedAction> Shadow);
