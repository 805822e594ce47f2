using Microsoft.EntityFrameworkCore;
using Vigil.Moderation;

namespace Vigil.Storage;

/// <summary>The desk's tables.</summary>
public abstract partial class VigilDb
{
    public DbSet<ModerationDecision> ModerationDecisions => Set<ModerationDecision>();

    public DbSet<ImageReveal> ImageReveals => Set<ImageReveal>();

    public DbSet<Appeal> Appeals => Set<Appeal>();
}
