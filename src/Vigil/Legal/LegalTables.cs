using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Orders;

namespace Vigil.Legal;

/// <summary>One message of the clarification exchange between the platform's legal officers and the authority.</summary>
public sealed class OrderMessage
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    /// <summary>True when the authority wrote it (through the portal, or recorded by an officer); false for staff.</summary>
    public bool FromAuthority { get; set; }

    /// <summary>Who wrote or recorded it (staff or portal user name).</summary>
    public required string Author { get; set; }

    public required string Text { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>One legal officer's approval of an order; orders that disclose need two by different officers.</summary>
public sealed class OrderApproval
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public required string Officer { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>One per-task decision, with the ground when a task is refused (e.g. <c>us_person</c>).</summary>
public sealed class OrderTaskDecision
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public long TaskId { get; set; }

    public TaskDecision Decision { get; set; }

    /// <summary>A <see cref="RejectionGrounds"/> value for refused tasks; null otherwise.</summary>
    public string? Ground { get; set; }

    public required string Officer { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset At { get; set; }
}

/// <summary>Which deadline alert was raised.</summary>
public enum OrderAlertKind
{
    DueSoon,
    Overdue,
}

/// <summary>A deadline alert, raised once per order and kind by <see cref="OrderDeadlineMonitor"/>.</summary>
public sealed class OrderAlert
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public OrderAlertKind Kind { get; set; }

    /// <summary>The order's due time when the alert was raised.</summary>
    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset RaisedAt { get; set; }
}

/// <summary>The outcome of one removal selector of a TCO removal order: which item was removed, or that none was found.</summary>
public sealed class OrderRemoval
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public long TaskId { get; set; }

    public SelectorKind SelectorKind { get; set; }

    public required string SelectorValue { get; set; }

    /// <summary>The removed item; null when no item matched the selector.</summary>
    public long? IngestItemId { get; set; }

    public long? PlatformId { get; set; }

    /// <summary>The platform's item id, for the order page.</summary>
    public string? ItemId { get; set; }

    /// <summary>removed, already_removed or not_found.</summary>
    public required string Outcome { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class OrderMessageMapping : IEntityTypeConfiguration<OrderMessage>
{
    public void Configure(EntityTypeBuilder<OrderMessage> b)
    {
        b.ToTable("order_messages");
        b.Property(x => x.Author).HasMaxLength(256);
        b.Property(x => x.Text).HasMaxLength(OrderReview.MaxMessageLength);
        b.HasIndex(x => new { x.OrderId, x.At });
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderApprovalMapping : IEntityTypeConfiguration<OrderApproval>
{
    public void Configure(EntityTypeBuilder<OrderApproval> b)
    {
        b.ToTable("order_approvals");
        b.Property(x => x.Officer).HasMaxLength(256);
        // The database, too, refuses a second approval by the same officer.
        b.HasIndex(x => new { x.OrderId, x.Officer }).IsUnique();
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderTaskDecisionMapping : IEntityTypeConfiguration<OrderTaskDecision>
{
    public void Configure(EntityTypeBuilder<OrderTaskDecision> b)
    {
        b.ToTable("order_task_decisions");
        b.Property(x => x.Decision).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Ground).HasMaxLength(64);
        b.Property(x => x.Officer).HasMaxLength(256);
        b.Property(x => x.Reason).HasMaxLength(4096);
        b.HasIndex(x => new { x.OrderId, x.At });
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<OrderTask>().WithMany().HasForeignKey(x => x.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderAlertMapping : IEntityTypeConfiguration<OrderAlert>
{
    public void Configure(EntityTypeBuilder<OrderAlert> b)
    {
        b.ToTable("order_alerts");
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        // Once per order and kind, even with two monitors running.
        b.HasIndex(x => new { x.OrderId, x.Kind }).IsUnique();
        b.HasIndex(x => x.RaisedAt);
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OrderRemovalMapping : IEntityTypeConfiguration<OrderRemoval>
{
    public void Configure(EntityTypeBuilder<OrderRemoval> b)
    {
        b.ToTable("order_removals");
        b.Property(x => x.SelectorKind).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.SelectorValue).HasMaxLength(2048);
        b.Property(x => x.ItemId).HasMaxLength(200);
        b.Property(x => x.Outcome).HasMaxLength(32);
        b.HasIndex(x => x.OrderId);
        b.HasOne<LegalOrder>().WithMany().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}
