using Microsoft.EntityFrameworkCore;
using Vigil.Hi1;

namespace Vigil.Storage;

/// <summary>HI-1 replay protection.</summary>
public abstract partial class VigilDb
{
    public DbSet<Hi1Nonce> Hi1Nonces => Set<Hi1Nonce>();
}
