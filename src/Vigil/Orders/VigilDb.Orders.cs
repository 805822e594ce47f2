using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Orders;

namespace Vigil.Storage;

/// <summary>The authority registry and lawful orders.</summary>
public abstract partial class VigilDb
{
    public DbSet<Authority> Authorities => Set<Authority>();
    public DbSet<AuthorityKey> AuthorityKeys => Set<AuthorityKey>();
    public DbSet<LegalOrder> LegalOrders => Set<LegalOrder>();
    public DbSet<OrderTask> OrderTasks => Set<OrderTask>();
    public DbSet<OrderSelector> OrderSelectors => Set<OrderSelector>();
    public DbSet<OrderDocument> OrderDocuments => Set<OrderDocument>();
    public DbSet<OrderTransition> OrderTransitions => Set<OrderTransition>();
    public DbSet<PreservationHold> PreservationHolds => Set<PreservationHold>();
}
