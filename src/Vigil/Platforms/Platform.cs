namespace Vigil.Platforms;

/// <summary>An integrated platform (a service whose content Vigil checks); it talks to Vigil with API keys.</summary>
public sealed class Platform
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<PlatformApiKey> Keys { get; set; } = [];

    /// <summary>Where webhooks are POSTed (absolute http/https); null until <c>vigil platform set-webhook</c>.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The signing secret, encrypted with the data folder's key ring (see <c>Vigil.Webhooks.WebhookSecrets</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The secret before the last rotation, still used to sign until <see cref="WebhookPreviousSecretExpiresAt"/>.</summary>
    public string? WebhookPreviousSecret { get; set; }

    public DateTimeOffset? WebhookPreviousSecretExpiresAt { get; set; }
    // Operations limits (vigil platform limits); null means the server's default (see PlatformLimits).
    public int? RequestsPerSecond { get; set; }

    public int? Burst { get; set; }

    public long? MaxBodyBytes { get; set; }
}

/// <summary>
/// One API key of a platform. Only the SHA-256 of the secret is stored: the secret is 32 random bytes, so a fast
/// hash is enough (no dictionary to attack), and the full key is shown once when created.
/// </summary>
public sealed class PlatformApiKey
{
    public long Id { get; set; }

    public long PlatformId { get; set; }

    public Platform? Platform { get; set; }

    /// <summary>The public part of the key (<c>vgl_&lt;KeyId&gt;_...</c>), used to find the row and to name the key.</summary>
    public required string KeyId { get; set; }

    public required byte[] SecretSha256 { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
