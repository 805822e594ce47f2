using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Vigil.Accounts;
using Vigil.Banks;
using Vigil.Ingest;
using Vigil.Moderation;
using Vigil.Platforms;
using Vigil.Webhooks;

namespace Vigil.Storage;

/// <summary>
/// Vigil's main database. SQLite is the embedded default, PostgreSQL the production store; each has
/// its own subclass so that each keeps its own migrations (EF Core's advice for two providers).
/// </summary>
public abstract partial class VigilDb(DbContextOptions options) : IdentityDbContext<StaffUser, IdentityRole, string>(options)
{
    public DbSet<HashBank> Banks => Set<HashBank>();
    public DbSet<BankEntry> BankEntries => Set<BankEntry>();
    public DbSet<ImportCheckpoint> ImportCheckpoints => Set<ImportCheckpoint>();
    public DbSet<Platform> Platforms => Set<Platform>();
    public DbSet<PlatformApiKey> PlatformApiKeys => Set<PlatformApiKey>();
    public DbSet<IngestItem> IngestItems => Set<IngestItem>();
    public DbSet<ReviewCase> ReviewCases => Set<ReviewCase>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>
    /// Set by <see cref="Outbox.Enqueue"/>: the next successful save wakes the webhook dispatcher. A field rather
    /// than a <see cref="DbContext.SavedChanges"/> handler, because a pooled context loses its handlers when it goes
    /// back to the pool while the same instance is handed out again.
    /// </summary>
    internal bool WakeOutboxOnSave { get; set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        int n = base.SaveChanges(acceptAllChangesOnSuccess);
        WakeOutbox();
        return n;
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        int n = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        WakeOutbox();
        return n;
    }

    private void WakeOutbox()
    {
        if (WakeOutboxOnSave)
        {
            WakeOutboxOnSave = false;
            OutboxSignal.Notify();
        }
    }

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
            // The pipeline's queue: the items still waiting, in arrival order. A partial index holds only those, so a
            // claim reads 500 entries whatever the table's size; PostgreSQL ignored the old (ProcessedAt, Id) index
            // and walked the primary key past every processed row (105 ms per claim past 121,500 of them).
            i.HasIndex(x => x.Id, "IX_ingest_items_waiting").HasFilter("\"ProcessedAt\" IS NULL");
            i.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
        });
        // Feature folders keep their own tables' mapping beside their entities (IEntityTypeConfiguration<T>).
        builder.ApplyConfigurationsFromAssembly(typeof(VigilDb).Assembly);
        builder.Entity<ReviewCase>(c =>
        {
            c.ToTable("review_cases");
            c.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
            c.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            c.Property(x => x.Queue).HasMaxLength(100);
            c.Property(x => x.RuleId).HasMaxLength(200);
            c.Property(x => x.AssignedTo).HasMaxLength(450);
            // The desk lists open cases by queue, priority and age.
            c.HasIndex(x => new { x.State, x.Queue, x.Priority, x.CreatedAt });
            c.HasIndex(x => x.IngestItemId);
            c.HasOne<IngestItem>().WithMany().HasForeignKey(x => x.IngestItemId).OnDelete(DeleteBehavior.Restrict);
            c.HasOne<ReviewCase>().WithMany().HasForeignKey(x => x.ParentCaseId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<OutboxMessage>(m =>
        {
            m.ToTable("outbox_messages");
            m.Property(x => x.EventType).HasMaxLength(100);
            m.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
            m.Property(x => x.LastError).HasMaxLength(2000);
            // The dispatcher picks due pending messages in order.
            m.HasIndex(x => new { x.State, x.NextAttemptAt });
            m.HasIndex(x => new { x.PlatformId, x.CreatedAt });
            m.HasOne<Platform>().WithMany().HasForeignKey(x => x.PlatformId).OnDelete(DeleteBehavior.Restrict);
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
