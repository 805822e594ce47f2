using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Hi1;

/// <summary>A JWS nonce already seen with a key; the unique (key id, nonce) index turns a replay into an insert failure.</summary>
public sealed class Hi1Nonce
{
    public long Id { get; set; }

    public required string KeyId { get; set; }

    public required string Nonce { get; set; }

    /// <summary>After this, a request carrying the nonce is refused for its age anyway, so the row may go.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class Hi1NonceMapping : IEntityTypeConfiguration<Hi1Nonce>
{
    public void Configure(EntityTypeBuilder<Hi1Nonce> b)
    {
        b.ToTable("hi1_nonces");
        b.Property(x => x.KeyId).HasMaxLength(128);
        b.Property(x => x.Nonce).HasMaxLength(128);
        b.HasIndex(x => new { x.KeyId, x.Nonce }).IsUnique();
        b.HasIndex(x => x.ExpiresAt);
    }
}
