using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Platforms;

namespace Vigil.Records;

// Event records (access logs, message metadata and its participants, stored content, media hashes) are found by
// (account or address, At) and purged by At. On PostgreSQL they may be partitioned by month of At, where the table's
// primary key must also hold At; the model keeps Id as its key (identity-generated, so still unique) and SQLite keeps
// its rowid key. Retention of event records runs from At; of subscriber records from RecordedAt.

internal sealed class SubscriberRecordMapping : IEntityTypeConfiguration<SubscriberRecord>
{
    public void Configure(EntityTypeBuilder<SubscriberRecord> b)
    {
        b.ToTable("subscriber_records");
        b.Property(x => x.AccountId).HasMaxLength(256);
        b.Property(x => x.Username).HasMaxLength(256);
        b.Property(x => x.NamesGiven).HasMaxLength(512);
        b.Property(x => x.Email).HasMaxLength(320);
        b.Property(x => x.Phone).HasMaxLength(32);
        b.Property(x => x.Country).HasMaxLength(2);
        b.HasIndex(x => new { x.PlatformId, x.AccountId }).IsUnique();
        b.HasIndex(x => x.Username);
        b.HasIndex(x => x.Email);
        b.HasIndex(x => x.Phone);
        b.HasIndex(x => x.RecordedAt);
        b.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AccessLogRecordMapping : IEntityTypeConfiguration<AccessLogRecord>
{
    public void Configure(EntityTypeBuilder<AccessLogRecord> b)
    {
        b.ToTable("access_logs");
        b.Property(x => x.AccountId).HasMaxLength(256);
        b.Property(x => x.IpAddress).HasMaxLength(45);
        b.Property(x => x.DeviceId).HasMaxLength(256);
        // The natural key (one access of an account at an instant from an address) makes a resent log line a
        // duplicate; its (AccountId, At) prefix serves the extraction range scan, so it costs no extra index.
        b.HasIndex(x => new { x.AccountId, x.At, x.IpAddress, x.PlatformId }).IsUnique();
        b.HasIndex(x => new { x.IpAddress, x.At });
        b.HasIndex(x => x.At);
    }
}

internal sealed class MessageMetadataRecordMapping : IEntityTypeConfiguration<MessageMetadataRecord>
{
    public void Configure(EntityTypeBuilder<MessageMetadataRecord> b)
    {
        b.ToTable("message_metadata");
        b.Property(x => x.MessageId).HasMaxLength(256);
        b.Property(x => x.SenderAccountId).HasMaxLength(256);
        b.PrimitiveCollection(x => x.RecipientAccountIds);
        b.HasIndex(x => new { x.PlatformId, x.MessageId, x.At }).IsUnique();
        b.HasIndex(x => x.At);
    }
}

internal sealed class MessageParticipantMapping : IEntityTypeConfiguration<MessageParticipant>
{
    public void Configure(EntityTypeBuilder<MessageParticipant> b)
    {
        b.ToTable("message_participants");
        b.Property(x => x.AccountId).HasMaxLength(256);
        // Unique so a retried batch cannot index a message twice; the (AccountId, At) prefix serves extraction.
        b.HasIndex(x => new { x.AccountId, x.At, x.MessageRecordId, x.IsSender }).IsUnique();
        b.HasIndex(x => x.At);
    }
}

internal sealed class StoredContentRecordMapping : IEntityTypeConfiguration<StoredContentRecord>
{
    public void Configure(EntityTypeBuilder<StoredContentRecord> b)
    {
        b.ToTable("stored_content");
        b.Property(x => x.ItemId).HasMaxLength(256);
        b.Property(x => x.AccountId).HasMaxLength(256);
        b.Property(x => x.ContentType).HasMaxLength(128);
        b.HasIndex(x => new { x.PlatformId, x.ItemId, x.At }).IsUnique();
        b.HasIndex(x => new { x.AccountId, x.At });
        b.HasIndex(x => x.At);
    }
}

internal sealed class MediaHashRecordMapping : IEntityTypeConfiguration<MediaHashRecord>
{
    public void Configure(EntityTypeBuilder<MediaHashRecord> b)
    {
        b.ToTable("media_hashes");
        b.Property(x => x.ItemId).HasMaxLength(256);
        b.Property(x => x.AccountId).HasMaxLength(256);
        b.Property(x => x.Algorithm).HasMaxLength(16);
        b.Property(x => x.Hash).HasMaxLength(128);
        b.HasIndex(x => new { x.PlatformId, x.ItemId, x.Algorithm, x.At }).IsUnique();
        b.HasIndex(x => new { x.AccountId, x.At });
        b.HasIndex(x => x.At);
    }
}
