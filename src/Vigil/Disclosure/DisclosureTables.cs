using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Orders;

namespace Vigil.Disclosure;

/// <summary>
/// A built disclosure package: CMS EnvelopedData for the authority's certificate, downloadable once by one of its
/// portal users until <see cref="ExpiresAt"/>. The encrypted bytes are dropped after the download.
/// </summary>
public sealed class DisclosurePackage
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public long AuthorityId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The legal officer who built it.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>Size of the <c>.p7m</c> in bytes.</summary>
    public long SizeBytes { get; set; }

    /// <summary>Lower-case hex SHA-256 of the <c>.p7m</c> (the HI-1 delivery reference and the ledger carry it).</summary>
    public required string Sha256 { get; set; }

    /// <summary>Lower-case hex SHA-256 of the signed manifest inside it.</summary>
    public required string ManifestSha256 { get; set; }

    /// <summary>The encrypted package; null once downloaded.</summary>
    public byte[]? Content { get; set; }

    /// <summary>Records disclosed, all tasks together.</summary>
    public int RecordCount { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? DownloadedAt { get; set; }

    public string? DownloadedBy { get; set; }

    /// <summary>The file name offered to the authority.</summary>
    public string FileName => $"disclosure-{OrderId}-{Id}.p7m";
}

/// <summary>A notice to one affected account that its data was disclosed, sent through the platform webhook once the order's non-disclosure period ends.</summary>
public sealed class UserNotice
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public long PackageId { get; set; }

    public long PlatformId { get; set; }

    public required string AccountId { get; set; }

    /// <summary>Not sent before this time (<see cref="LegalOrder.UserNoticeNotBefore"/>, or the disclosure time).</summary>
    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was handed to the webhook outbox; null while scheduled.</summary>
    public DateTimeOffset? SentAt { get; set; }

    public long? OutboxMessageId { get; set; }
}

internal sealed class DisclosurePackageMapping : IEntityTypeConfiguration<DisclosurePackage>
{
    public void Configure(EntityTypeBuilder<DisclosurePackage> b)
    {
        b.ToTable("disclosure_packages");
        b.Property(x => x.CreatedBy).HasMaxLength(256);
        b.Property(x => x.DownloadedBy).HasMaxLength(256);
        b.Property(x => x.Sha256).HasMaxLength(64);
        b.Property(x => x.ManifestSha256).HasMaxLength(64);
        b.Ignore(x => x.FileName);
        b.HasIndex(x => x.OrderId);
        b.HasIndex(x => new { x.AuthorityId, x.CreatedAt });
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class UserNoticeMapping : IEntityTypeConfiguration<UserNotice>
{
    public void Configure(EntityTypeBuilder<UserNotice> b)
    {
        b.ToTable("user_notices");
        b.Property(x => x.AccountId).HasMaxLength(256);
        b.HasIndex(x => new { x.OrderId, x.PlatformId, x.AccountId }).IsUnique();
        // The job's query: scheduled notices that are due.
        b.HasIndex(x => new { x.SentAt, x.NotBefore });
        b.HasOne<DisclosurePackage>().WithMany().HasForeignKey(x => x.PackageId).OnDelete(DeleteBehavior.Restrict);
    }
}
