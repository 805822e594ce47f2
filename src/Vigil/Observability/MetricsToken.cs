using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Observability;

/// <summary>
/// A bearer token that lets a Prometheus server scrape <c>/metrics</c>. Like platform API keys, only the SHA-256
/// of the 32-byte random secret is stored; the whole token is printed once when created.
/// </summary>
public sealed class MetricsToken
{
    public long Id { get; set; }

    /// <summary>The operator's name for the scraper (e.g. <c>prometheus-eu1</c>); unique.</summary>
    public required string Name { get; set; }

    /// <summary>The public part of the token (hex), shown in listings.</summary>
    public required string TokenId { get; set; }

    public required byte[] SecretSha256 { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class MetricsTokenConfiguration : IEntityTypeConfiguration<MetricsToken>
{
    public void Configure(EntityTypeBuilder<MetricsToken> builder)
    {
        builder.ToTable("metrics_tokens");
        builder.Property(x => x.Name).HasMaxLength(200);
        builder.Property(x => x.TokenId).HasMaxLength(64);
        builder.HasIndex(x => x.Name).IsUnique();
        // Every scrape looks its token up by id.
        builder.HasIndex(x => x.TokenId).IsUnique();
    }
}
