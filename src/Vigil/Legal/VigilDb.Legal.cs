using Microsoft.EntityFrameworkCore;
using Vigil.Legal;

namespace Vigil.Storage;

/// <summary>The legal officers' desk: clarification messages, approvals, task decisions, deadline alerts, removals.</summary>
public abstract partial class VigilDb
{
    public DbSet<OrderMessage> OrderMessages => Set<OrderMessage>();
    public DbSet<OrderApproval> OrderApprovals => Set<OrderApproval>();
    public DbSet<OrderTaskDecision> OrderTaskDecisions => Set<OrderTaskDecision>();
    public DbSet<OrderAlert> OrderAlerts => Set<OrderAlert>();
    public DbSet<OrderRemoval> OrderRemovals => Set<OrderRemoval>();
}
