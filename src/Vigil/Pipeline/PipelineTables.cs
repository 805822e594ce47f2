using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Ingest;
using Vigil.Platforms;

namespace Vigil.Pipeline;

/// <summary>
/// What the pipeline decided about one item at one evaluation (an item re-queued by a user report gets another
/// row). The JSON columns say which rules fired and why, what was enforced, what shadow rules would have done,
/// and the signals the rules saw.
/// </summary>
public sealed class DecisionRecord
{
    public long Id { get; set; }

    public long IngestItemId { get; set; }

    public long PlatformId { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>SHA-256 (hex) of the rules files in force.</summary>
    public required string RulesVersion { get; set; }

    /// <summary>JSON array of {rule_id, mode, evidence[]}.</summary>
    public required string FiredRules { get; set; }

    /// <summary>JSON array of {rule_id, kind, reason, priority?, queue?, authority_country?, carried_out}.</summary>
    public required string EnforcedActions { get; set; }

    /// <summary>JSON array of what shadow rules would have done; never carried out.</summary>
    public required string ShadowActions { get; set; }

    /// <summary>JSON object: bank hits (bank, signal type, distance/similarity, labels), reports, strikes, country.</summary>
    public required string Signals { get; set; }

    /// <summary>Why a signal is missing (an image that does not decode, ...); null when all signals were computed.</summary>
    public string? Notes { get; set; }

    /// <summary>Milliseconds from acceptance by the ingest API to this decision.</summary>
    public double LatencyMs { get; set; }
}

/// <summary>Who took a content action.</summary>
public enum ActionSource
{
    Automated,
    Moderator,
}

/// <summary>What was done to a piece of content.</summary>
public enum ContentActionKind
{
    Remove,
    Restrict,
}

/// <summary>A removal or restriction of an item, by a rule or by a moderator; the platform hears of it by webhook.</summary>
public sealed class ContentAction
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public long IngestItemId { get; set; }

    public ContentActionKind Kind { get; set; }

    public string? RuleId { get; set; }

    public required string Reason { get; set; }

    public ActionSource Source { get; set; }

    /// <summary>The decision that took the action, for automated actions.</summary>
    public long? DecisionId { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>An account on an integrated platform, as far as enforcement needs it.</summary>
public sealed class PlatformAccount
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>The platform's own account id.</summary>
    public required string AccountId { get; set; }

    /// <summary>Enforced removals of the account's content.</summary>
    public int Strikes { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case, from the platform's account events.</summary>
    public string? Country { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A user's report of an item, sent by the platform through <c>POST /api/v1/reports</c>.</summary>
public sealed class UserReport
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    /// <summary>The platform's id for the report; unique per platform, which makes resending safe.</summary>
    public required string ReportId { get; set; }

    public long IngestItemId { get; set; }

    public string? ReporterAccountId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// Evidence kept for lawful requests. Under the EU TCO Regulation (2021/784, Art. 6) removed terrorist content is
/// preserved for six months; while a preservation has not expired the item is exempt from retention purges.
/// </summary>
public sealed class Preservation
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public long IngestItemId { get; set; }

    public required string Reason { get; set; }

    public string? RuleId { get; set; }

    public DateTimeOffset PreservedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class DecisionRecordMapping : IEntityTypeConfiguration<DecisionRecord>
{
    public void Configure(EntityTypeBuilder<DecisionRecord> b)
    {
        b.ToTable("decisions");
        b.Property(x => x.RulesVersion).HasMaxLength(64);
        // Re-evaluation reads an item's earlier decisions; staff read a platform's decisions by time.
        b.HasIndex(x => x.IngestItemId);
        b.HasIndex(x => new { x.PlatformId, x.DecidedAt });
        b.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ContentActionMapping : IEntityTypeConfiguration<ContentAction>
{
    public void Configure(EntityTypeBuilder<ContentAction> b)
    {
        b.ToTable("content_actions");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.RuleId).HasMaxLength(200);
        b.HasIndex(x => x.IngestItemId);
        b.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<DecisionRecord>().WithMany().HasForeignKey(x => x.DecisionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PlatformAccountMapping : IEntityTypeConfiguration<PlatformAccount>
{
    public void Configure(EntityTypeBuilder<PlatformAccount> b)
    {
        b.ToTable("platform_accounts");
        b.Property(x => x.AccountId).HasMaxLength(200);
        b.Property(x => x.Country).HasMaxLength(2);
        b.HasIndex(x => new { x.PlatformId, x.AccountId }).IsUnique();
        b.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UserReportMapping : IEntityTypeConfiguration<UserReport>
{
    public void Configure(EntityTypeBuilder<UserReport> b)
    {
        b.ToTable("user_reports");
        b.Property(x => x.ReportId).HasMaxLength(200);
        b.Property(x => x.ReporterAccountId).HasMaxLength(200);
        b.Property(x => x.Reason).HasMaxLength(ReportBatch.MaxReasonLength);
        // Idempotency: a platform's report id is stored once.
        b.HasIndex(x => new { x.PlatformId, x.ReportId }).IsUnique();
        b.HasIndex(x => x.IngestItemId);
        b.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PreservationMapping : IEntityTypeConfiguration<Preservation>
{
    public void Configure(EntityTypeBuilder<Preservation> b)
    {
        b.ToTable("preservations");
        b.Property(x => x.RuleId).HasMaxLength(200);
        b.HasIndex(x => x.IngestItemId);
        // Retention purges skip items whose preservation has not expired.
        b.HasIndex(x => x.ExpiresAt);
        b.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
    }
}
