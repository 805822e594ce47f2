using Microsoft.EntityFrameworkCore;
using Vigil.Observability;

namespace Vigil.Storage;

public abstract partial class VigilDb
{
    public DbSet<MetricsToken> MetricsTokens => Set<MetricsToken>();
}
