using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.Authorities;

internal sealed class AuthorityMapping : IEntityTypeConfiguration<Authority>
{
    public void Configure(EntityTypeBuilder<Authority> b)
    {
        b.ToTable("authorities");
        b.Property(x => x.Code).HasMaxLength(128);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.CountryCode).HasMaxLength(2);
        b.HasIndex(x => x.CountryCode);
        b.Property(x => x.Name).HasMaxLength(256);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.PrimitiveCollection(x => x.Instruments).ElementType(e => e.HasConversion<string>());
        b.PrimitiveCollection(x => x.CallbackNumbers);
        b.Property(x => x.ReferralEndpoint).HasMaxLength(2048);
        b.HasMany(x => x.Keys).WithOne(x => x.Authority).HasForeignKey(x => x.AuthorityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuthorityKeyMapping : IEntityTypeConfiguration<AuthorityKey>
{
    public void Configure(EntityTypeBuilder<AuthorityKey> b)
    {
        b.ToTable("authority_keys");
        b.Property(x => x.KeyId).HasMaxLength(128);
        b.HasIndex(x => x.KeyId).IsUnique();
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(24);
        b.Property(x => x.Algorithm).HasMaxLength(16);
        b.Property(x => x.RevocationReason).HasMaxLength(512);
    }
}
