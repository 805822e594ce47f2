namespace Vigil.Moderation;

/// <summary>Settings of the moderation desk (one instance per server; tests may change it after start).</summary>
public sealed class DeskOptions
{
    /// <summary>Share of flag decisions drawn for blind quality re-review, 0..1 (default 5%).</summary>
    public double QualitySampleRate { get; set; } = 0.05;

    /// <summary>Time an appeal has to be decided in, from filing (default 14 days).</summary>
    public TimeSpan AppealDeadline { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A due date closer than this is highlighted on the queue.</summary>
    public TimeSpan DueSoon { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Cases per queue page.</summary>
    public int PageSize { get; set; } = 50;
}

/// <summary>Outcome names the desk accepts.</summary>
public static class DecisionOutcomes
{
    public const string NoViolation = "no_violation";
    public const string Remove = "remove";
    public const string RestrictVisibility = "restrict_visibility";
    public const string AgeRestrict = "age_restrict";
    public const string Label = "label";
    public const string SuspendAccount = "suspend_account";
    public const string Upheld = "upheld";
    public const string Reversed = "reversed";

    /// <summary>Outcomes of a flag or quality-sample review.</summary>
    public static readonly IReadOnlyList<string> Review = [NoViolation, Remove, RestrictVisibility, AgeRestrict, Label, SuspendAccount];

    /// <summary>Outcomes of an appeal.</summary>
    public static readonly IReadOnlyList<string> Appeal = [Upheld, Reversed];

    /// <summary>True for outcomes that restrict something (and so need a statement of reasons).</summary>
    public static bool IsAction(string outcome) => outcome is Remove or RestrictVisibility or AgeRestrict or Label or SuspendAccount;

    /// <summary>Automated-decision levels.</summary>
    public static readonly IReadOnlyList<string> Automation = ["none", "partial", "full"];

    /// <summary>Content types a statement may name (DSA CONTENT_TYPE_... in lower case).</summary>
    public static readonly IReadOnlyList<string> ContentTypes = ["text", "image", "video", "audio", "synthetic_media", "app", "product", "other"];
}
