using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Platforms;

namespace Vigil.Webhooks;

/// <summary>
/// The data folder's ASP.NET Core Data Protection key ring (<c>DATA/keys</c>, application name <c>vigil</c>), shared by
/// <c>vigil serve</c> and the CLI so that a secret one of them encrypts the other can decrypt.
/// </summary>
public static class VigilKeyRing
{
    public const string ApplicationName = "vigil";

    /// <summary>The key folder inside <paramref name="dataDirectory"/>, created readable by the service account only.</summary>
    public static DirectoryInfo Directory(DirectoryInfo dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var keys = Path.Combine(dataDirectory.FullName, "keys");
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(keys);
        }
        else
        {
            System.IO.Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new DirectoryInfo(keys);
    }

    /// <summary>Points a DI data-protection registration at the data folder's key ring (what the server configures).</summary>
    public static IDataProtectionBuilder PersistToDataFolder(this IDataProtectionBuilder builder, DirectoryInfo dataDirectory) =>
        builder.SetApplicationName(ApplicationName).PersistKeysToFileSystem(Directory(dataDirectory));

    /// <summary>A provider over the same key ring, for code outside the server's container (the CLI).</summary>
    public static IDataProtectionProvider CreateProvider(DirectoryInfo dataDirectory) =>
        DataProtectionProvider.Create(Directory(dataDirectory), b => b.SetApplicationName(ApplicationName));
}

/// <summary>Creates webhook signing secrets and keeps them encrypted at rest: they must be recoverable to sign.</summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    /// <summary>The data-protection purpose; a different purpose cannot decrypt these values.</summary>
    public const string Purpose = "Vigil.Webhooks.SigningSecret.v1";

    /// <summary>A new secret: <c>whsec_</c> and 32 random bytes in base64url.</summary>
    public static string Create() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Protect(IDataProtectionProvider provider, string secret) => provider.CreateProtector(Purpose).Protect(secret);

    public static string Unprotect(IDataProtectionProvider provider, string stored) => provider.CreateProtector(Purpose).Unprotect(stored);

    /// <summary>
    /// The secrets to sign with at <paramref name="now"/>: the current one first, then the previous one while its
    /// rotation grace period lasts.
    /// </summary>
    public static IReadOnlyList<string> SigningSecrets(IDataProtectionProvider provider, Platform platform, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(platform);
        if (platform.WebhookSecret is null)
        {
            return [];
        }
        var current = Unprotect(provider, platform.WebhookSecret);
        return platform.WebhookPreviousSecret is { } previous && platform.WebhookPreviousSecretExpiresAt > now
            ? [current, Unprotect(provider, previous)]
            : [current];
    }
}

/// <summary>Column sizes of the webhook fields on <c>platforms</c> (the rest of the table is mapped in <c>VigilDb</c>).</summary>
internal sealed class PlatformWebhookMapping : IEntityTypeConfiguration<Platform>
{
    public void Configure(EntityTypeBuilder<Platform> builder)
    {
        builder.Property(x => x.WebhookUrl).HasMaxLength(WebhookUrl.MaxLength);
        builder.Property(x => x.WebhookSecret).HasMaxLength(1000);
        builder.Property(x => x.WebhookPreviousSecret).HasMaxLength(1000);
    }
}
