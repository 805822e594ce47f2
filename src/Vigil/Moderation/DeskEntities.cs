using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Ingest;

namespace Vigil.Moderation;

/// <summary>
/// A person's decision on a review case, with its statement of reasons (DSA Art. 17): the policy applied and its
/// ground, the facts, whether detection and decision were automated, the territorial scope and the content type.
/// </summary>
public sealed class ModerationDecision
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public ReviewCaseKind CaseKind { get; set; }

    public long PlatformId { get; set; }

    public long IngestItemId { get; set; }

    /// <summary>The platform's item id (copied so statements and webhooks need no join).</summary>
    public required string ItemId { get; set; }

    public required string AccountId { get; set; }

    /// <summary>Policy id from <c>policies/content-policy.yaml</c>.</summary>
    public required string PolicyId { get; set; }

    /// <summary>
    /// <see cref="DecisionOutcomes"/> for flags and quality samples; <c>upheld</c> or <c>reversed</c> for appeals.
    /// </summary>
    public required string Outcome { get; set; }

    /// <summary>Staff user name (e-mail) of the decider.</summary>
    public required string DecidedBy { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>Facts and circumstances relied on (free text; required for any action).</summary>
    public required string Facts { get; set; }

    /// <summary>True when a rule (automated means) flagged the item.</summary>
    public bool AutomatedDetection { get; set; }

    /// <summary><c>none</c>, <c>partial</c> or <c>full</c>.</summary>
    public required string AutomatedDecision { get; set; }

    /// <summary>Comma-separated ISO country codes (EU/EEA), or <c>EU</c>.</summary>
    public required string TerritorialScope { get; set; }

    /// <summary>Comma-separated content types: text, image, video, audio, synthetic_media, other.</summary>
    public required string ContentType { get; set; }

    /// <summary>When the content was posted (the item's creation time).</summary>
    public DateTimeOffset ContentDate { get; set; }

    /// <summary><c>illegal</c> or <c>incompatible</c>, from the policy at decision time.</summary>
    public required string Ground { get; set; }

    /// <summary>The legal ground or terms clause, copied from the policy at decision time.</summary>
    public required string GroundReference { get; set; }

    /// <summary>DSA statement category (STATEMENT_CATEGORY_...), from the policy.</summary>
    public required string Category { get; set; }

    /// <summary>The decision an appeal or a quality sample re-examines.</summary>
    public long? ParentDecisionId { get; set; }

    /// <summary>Quality samples: whether the blind re-review reached the original outcome.</summary>
    public bool? Agrees { get; set; }
}

/// <summary>A moderator pressed "Reveal" on a case's image: logged here and in the ledger.</summary>
public sealed class ImageReveal
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public long IngestItemId { get; set; }

    public required string StaffUser { get; set; }

    public DateTimeOffset RevealedAt { get; set; }
}

/// <summary>A complaint against a decision (DSA Art. 20), filed by the platform or recorded by staff.</summary>
public sealed class Appeal
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>The platform's id for the appeal (idempotency key); null when staff recorded it.</summary>
    public string? AppealId { get; set; }

    public long IngestItemId { get; set; }

    public required string AccountId { get; set; }

    public required string Text { get; set; }

    public long OriginalDecisionId { get; set; }

    /// <summary>The Appeal review case created for it.</summary>
    public long CaseId { get; set; }

    public DateTimeOffset FiledAt { get; set; }

    /// <summary><c>platform</c> or the staff user who recorded it.</summary>
    public required string FiledBy { get; set; }
}

internal sealed class ModerationDecisionConfiguration : IEntityTypeConfiguration<ModerationDecision>
{
    public void Configure(EntityTypeBuilder<ModerationDecision> d)
    {
        d.ToTable("moderation_decisions");
        d.Property(x => x.CaseKind).HasConversion<string>().HasMaxLength(16);
        d.Property(x => x.ItemId).HasMaxLength(200);
        d.Property(x => x.AccountId).HasMaxLength(200);
        d.Property(x => x.PolicyId).HasMaxLength(100);
        d.Property(x => x.Outcome).HasMaxLength(32);
        d.Property(x => x.DecidedBy).HasMaxLength(450);
        d.Property(x => x.Facts).HasMaxLength(5000);
        d.Property(x => x.AutomatedDecision).HasMaxLength(16);
        d.Property(x => x.TerritorialScope).HasMaxLength(200);
        d.Property(x => x.ContentType).HasMaxLength(200);
        d.Property(x => x.Ground).HasMaxLength(16);
        d.Property(x => x.GroundReference).HasMaxLength(500);
        d.Property(x => x.Category).HasMaxLength(100);
        // One decision closes one case.
        d.HasIndex(x => x.CaseId).IsUnique();
        // The DSA export reads decisions by time; the item page reads an account's history.
        d.HasIndex(x => x.DecidedAt);
        d.HasIndex(x => new { x.PlatformId, x.AccountId });
        d.HasIndex(x => x.IngestItemId);
        d.HasOne<ReviewCase>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
        d.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ImageRevealConfiguration : IEntityTypeConfiguration<ImageReveal>
{
    public void Configure(EntityTypeBuilder<ImageReveal> r)
    {
        r.ToTable("image_reveals");
        r.Property(x => x.StaffUser).HasMaxLength(450);
        r.HasIndex(x => new { x.StaffUser, x.IngestItemId });
        r.HasIndex(x => new { x.CaseId, x.StaffUser });
        r.HasOne<ReviewCase>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> a)
    {
        a.ToTable("appeals");
        a.Property(x => x.AppealId).HasMaxLength(200);
        a.Property(x => x.AccountId).HasMaxLength(200);
        a.Property(x => x.Text).HasMaxLength(5000);
        a.Property(x => x.FiledBy).HasMaxLength(450);
        // Resending an appeal is safe: the platform's id is unique per platform (staff complaints have none).
        a.HasIndex(x => new { x.PlatformId, x.AppealId }).IsUnique();
        a.HasIndex(x => x.CaseId);
        a.HasIndex(x => x.IngestItemId);
        a.HasOne<ReviewCase>().WithMany().HasForeignKey(x => x.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReviewCaseDeskConfiguration : IEntityTypeConfiguration<ReviewCase>
{
    public void Configure(EntityTypeBuilder<ReviewCase> c)
    {
        c.Property(x => x.ExcludedReviewer).HasMaxLength(450);
        c.HasIndex(x => x.ParentCaseId);
    }
}
