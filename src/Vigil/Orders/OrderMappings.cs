using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Authorities;

namespace Vigil.Orders;

internal sealed class LegalOrderMapping : IEntityTypeConfiguration<LegalOrder>
{
    public void Configure(EntityTypeBuilder<LegalOrder> b)
    {
        b.ToTable("legal_orders");
        b.Property(x => x.Instrument).HasConversion<string>().HasMaxLength(40);
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Reference).HasMaxLength(256);
        b.Property(x => x.Hi1ObjectId).HasMaxLength(64);
        b.Property(x => x.Hi1TransactionId).HasMaxLength(64);
        b.Property(x => x.SubmittedBy).HasMaxLength(256);
        b.Property(x => x.RejectionGround).HasMaxLength(64);
        b.Property(x => x.EnforcingAuthority).HasMaxLength(256);
        b.Property(x => x.CallbackRecordedBy).HasMaxLength(256);
        b.Property(x => x.CallbackConfirmedBy).HasMaxLength(256);
        b.Property(x => x.CallbackNumber).HasMaxLength(32);
        // HI-1 GET/LIST look orders up by the authority's object id; a repeated CREATE must not make a second order.
        b.HasIndex(x => new { x.AuthorityId, x.Hi1ObjectId }).IsUnique();
        b.HasIndex(x => new { x.State, x.DueAt });
        b.HasIndex(x => x.ReceivedAt);
        b.HasOne(x => x.Authority).WithMany().HasForeignKey(x => x.AuthorityId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Tasks).WithOne(x => x.Order).HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Documents).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Transitions).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderTaskMapping : IEntityTypeConfiguration<OrderTask>
{
    public void Configure(EntityTypeBuilder<OrderTask> b)
    {
        b.ToTable("order_tasks");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Decision).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Hi1ObjectId).HasMaxLength(64);
        b.Property(x => x.Reference).HasMaxLength(256);
        b.HasMany(x => x.Selectors).WithOne().HasForeignKey(x => x.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderSelectorMapping : IEntityTypeConfiguration<OrderSelector>
{
    public void Configure(EntityTypeBuilder<OrderSelector> b)
    {
        b.ToTable("order_selectors");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Value).HasMaxLength(2048);
        b.HasIndex(x => new { x.Kind, x.Value });
    }
}

internal sealed class OrderDocumentMapping : IEntityTypeConfiguration<OrderDocument>
{
    public void Configure(EntityTypeBuilder<OrderDocument> b)
    {
        b.ToTable("order_documents");
        b.Property(x => x.Hi1ObjectId).HasMaxLength(64);
        b.Property(x => x.Reference).HasMaxLength(256);
        b.Property(x => x.DocumentType).HasMaxLength(64);
        b.Property(x => x.ContentType).HasMaxLength(128);
        b.Property(x => x.Sha256).HasMaxLength(64);
    }
}

internal sealed class OrderTransitionMapping : IEntityTypeConfiguration<OrderTransition>
{
    public void Configure(EntityTypeBuilder<OrderTransition> b)
    {
        b.ToTable("order_transitions");
        b.Property(x => x.From).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.To).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.Actor).HasMaxLength(256);
        b.Property(x => x.Reason).HasMaxLength(4096);
        b.HasIndex(x => new { x.OrderId, x.At });
    }
}

internal sealed class PreservationHoldMapping : IEntityTypeConfiguration<PreservationHold>
{
    public void Configure(EntityTypeBuilder<PreservationHold> b)
    {
        b.ToTable("preservation_holds");
        b.Property(x => x.SelectorKind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.SelectorValue).HasMaxLength(2048);
        b.Property(x => x.Category).HasConversion<string>().HasMaxLength(32);
        b.Property(x => x.ReleasedBy).HasMaxLength(256);
        // The purge asks "is this selector held?" for the holds in force.
        b.HasIndex(x => new { x.SelectorKind, x.SelectorValue });
        b.HasIndex(x => x.ExpiresAt);
        b.HasIndex(x => x.OrderId);
        b.HasOne<Authority>().WithMany().HasForeignKey(x => x.AuthorityId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Restrict);
    }
}
