using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Authorities;
using Vigil.Ingest;

// The entity stays in the pipeline's namespace: the pipeline's refer action creates these rows.
namespace Vigil.Pipeline;

/// <summary>Where a referral to an authority stands (see docs/referrals.md for the transitions).</summary>
public enum ReferralState
{
    /// <summary>Waiting for its (next) delivery attempt.</summary>
    Pending,

    /// <summary>No competent authority with a referral endpoint is registered; re-checked periodically, shown to legal officers.</summary>
    NoAuthority,

    /// <summary>Leased by a dispatcher that is sending it now.</summary>
    Delivering,

    /// <summary>The authority answered 2xx without a receipt id.</summary>
    Delivered,

    /// <summary>The authority answered 2xx with its receipt id.</summary>
    Acknowledged,

    /// <summary>Given up after the maximum number of attempts (written to the ledger).</summary>
    Dead,
}

/// <summary>
/// An item referred to a competent authority (EU DSA Art. 18: information giving rise to a suspicion of a threat to
/// life or safety), created by the pipeline's <c>refer</c> action or by a moderator, sent by the referral dispatcher.
/// </summary>
public sealed class Referral
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public long IngestItemId { get; set; }

    /// <summary>ISO 3166-1 alpha-2 of the threatened person's or the suspect's country; null when neither the rule nor the item gave one.</summary>
    public string? AuthorityCountry { get; set; }

    public required string Reason { get; set; }

    public string? RuleId { get; set; }

    public ReferralState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who referred: null for the pipeline, the moderator's e-mail for a desk referral.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>The competent authority chosen at the first delivery attempt.</summary>
    public long? AuthorityId { get; set; }

    /// <summary>Which routing rule chose the authority, in words (or why none was found).</summary>
    public string? ChosenBy { get; set; }

    /// <summary>The package exactly as delivered (CMS SignedData, or EnvelopedData around it); built once, resent unchanged.</summary>
    public byte[]? Package { get; set; }

    /// <summary>SHA-256 of <see cref="Package"/>.</summary>
    public byte[]? PackageSha256 { get; set; }

    /// <summary>Whether <see cref="Package"/> is encrypted to the authority's certificate.</summary>
    public bool Encrypted { get; set; }

    public int Attempts { get; set; }

    /// <summary>When the next attempt is due; while <see cref="ReferralState.Delivering"/>, when the lease expires.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    /// <summary>The authority's receipt id from its acknowledgement.</summary>
    public string? ReceiptId { get; set; }

    /// <summary>When the referred item arrived (<see cref="IngestItem.ReceivedAt"/>).</summary>
    public DateTimeOffset? ItemReceivedAt { get; set; }

    /// <summary>Milliseconds from the item's arrival to the authority's acknowledgement.</summary>
    public double? EndToEndMs { get; set; }
}

internal sealed class ReferralMapping : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> b)
    {
        b.ToTable("referrals");
        b.Property(x => x.AuthorityCountry).HasMaxLength(2);
        b.Property(x => x.RuleId).HasMaxLength(200);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.CreatedBy).HasMaxLength(256);
        b.Property(x => x.ChosenBy).HasMaxLength(1000);
        b.Property(x => x.LastError).HasMaxLength(2000);
        b.Property(x => x.ReceiptId).HasMaxLength(200);
        b.Property(x => x.PackageSha256).HasMaxLength(32);
        // The dispatcher claims due rows by state and time; legal officers list by state.
        b.HasIndex(x => new { x.State, x.NextAttemptAt });
        b.HasIndex(x => new { x.State, x.CreatedAt });
        // The portal lists one authority's referrals, newest first.
        b.HasIndex(x => new { x.AuthorityId, x.CreatedAt });
        b.HasIndex(x => x.IngestItemId);
        b.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Authority>().WithMany().HasForeignKey(x => x.AuthorityId).OnDelete(DeleteBehavior.Restrict);
    }
}
