using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Banks;
using Vigil.Ingest;
using Vigil.Platforms;

namespace Vigil.Storage;

/// <summary>
/// Vigil's main database. SQLite is the embedded default, PostgreSQL the production store; each has
/// its own subclass so that each keeps its own migrations (EF Core's advice for two providers).
/// </summary>
public abstract class VigilDb(DbContextOptions options) : IdentityDbContext<StaffUser, IdentityRole, string>(options)
{
    public DbSet<HashBank> Banks => Set<HashBank>();
    public DbSet<BankEntry> BankEntries => Set<BankEntry>();
    public DbSet<ImportCheckpoint> ImportCheckpoints => Set<ImportCheckpoint>();
    public DbSet<Platform> Platforms => Set<Platform>();
    public DbSet<PlatformApiKey> PlatformApiKeys => Set<PlatformApiKey>();
    public DbSet<IngestItem> IngestItems => Set<IngestItem>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        // Identity's staff accounts first, then renamed to the snake_case tables the rest of the schema uses.
        base.OnModelCreating(builder);
        builder.Entity<StaffUser>().ToTable("staff_users");
        builder.Entity<IdentityRole>().ToTable("staff_roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("staff_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("staff_user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("staff_user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("staff_user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("staff_role_claims");
        builder.Entity<HashBank>(b =>
        {
            b.ToTable("banks");
            b.HasIndex(x => x.Name).IsUnique();
            b.Property(x => x.Name).HasMaxLength(200);
            b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            b.HasMany(x => x.Entries).WithOne(x => x.Bank).HasForeignKey(x => x.BankId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<BankEntry>(e =>
        {
            e.ToTable("bank_entries");
            e.Property(x => x.SignalType).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.Signal).HasMaxLength(4096);
            e.HasIndex(x => new { x.BankId, x.SignalType, x.Signal }).IsUnique();
            e.HasIndex(x => new { x.SignalType, x.Signal });
            e.Ignore(x => x.IsActive);
        });
        builder.Entity<ImportCheckpoint>(c =>
        {
            c.ToTable("import_checkpoints");
            c.HasIndex(x => new { x.BankId, x.Source }).IsUnique();
        });
        builder.Entity<Platform>(p =>
        {
            p.ToTable("platforms");
            p.Property(x => x.Name).HasMaxLength(200);
            p.HasIndex(x => x.Name).IsUnique();
            p.HasMany(x => x.Keys).WithOne(x => x.Platform).HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<PlatformApiKey>(k =>
        {
            k.ToTable("platform_api_keys");
            k.Property(x => x.KeyId).HasMaxLength(64);
            k.HasIndex(x => x.KeyId).IsUnique();
        });
        builder.Entity<IngestItem>(i =>
        {
            i.ToTable("ingest_items");
            i.Property(x => x.ItemId).HasMaxLength(200);
            i.Property(x => x.Type).HasMaxLength(32);
            i.Property(x => x.AccountId).HasMaxLength(200);
            // Idempotency: a platform's item id is stored once, even with concurrent batches.
            i.HasIndex(x => new { x.PlatformId, x.ItemId }).IsUnique();
            i.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
        });
    }
}

public sealed class SqliteVigilDb(DbContextOptions<SqliteVigilDb> options) : VigilDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no native DateTimeOffset; store UTC ticks so ordering and comparison work in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

public sealed class PostgresVigilDb(DbContextOptions<PostgresVigilDb> options) : VigilDb(options);
