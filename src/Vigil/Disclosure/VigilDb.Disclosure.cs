using Microsoft.EntityFrameworkCore;
using Vigil.Disclosure;

namespace Vigil.Storage;

/// <summary>Disclosure packages and user notices.</summary>
public abstract partial class VigilDb
{
    public DbSet<DisclosurePackage> DisclosurePackages => Set<DisclosurePackage>();
    public DbSet<UserNotice> UserNotices => Set<UserNotice>();
}
