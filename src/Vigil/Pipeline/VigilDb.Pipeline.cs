using Microsoft.EntityFrameworkCore;
using Vigil.Pipeline;

namespace Vigil.Storage;

/// <summary>The detection pipeline's tables.</summary>
public abstract partial class VigilDb
{
    public DbSet<DecisionRecord> Decisions => Set<DecisionRecord>();
    public DbSet<ContentAction> ContentActions => Set<ContentAction>();
    public DbSet<PlatformAccount> PlatformAccounts => Set<PlatformAccount>();
    public DbSet<UserReport> UserReports => Set<UserReport>();
    public DbSet<Preservation> Preservations => Set<Preservation>();
    public DbSet<Referral> Referrals => Set<Referral>();
}
