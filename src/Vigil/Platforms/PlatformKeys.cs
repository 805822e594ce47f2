using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Platforms;

/// <summary>A key just created: <see cref="ApiKey"/> is shown once and never stored.</summary>
public sealed record NewPlatformKey(string Platform, string KeyId, string ApiKey);

/// <summary>A platform and its keys as listed by <c>vigil platform list</c>; never includes a secret.</summary>
public sealed record PlatformSummary(string Name, DateTimeOffset CreatedAt, IReadOnlyList<PlatformKeySummary> Keys)
{
    /// <summary>The platform's rate and body limits (filled in by <c>vigil platform list</c>).</summary>
    public PlatformLimitSettings? Limits { get; init; }
}

/// <summary>One key of a listed platform.</summary>
public sealed record PlatformKeySummary(string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A platform request the registry refuses (duplicate name, unknown key).</summary>
public sealed class PlatformException(string message) : Exception(message)
{
    public PlatformException() : this("platform error") { }

    public PlatformException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>Creates platforms and their API keys, revokes keys and checks presented keys. Changes go to the ledger.</summary>
public sealed class PlatformKeys(VigilDb db, LedgerLog ledger, TimeProvider time)
{
    public const string Prefix = "vgl_";
    public const string SubjectType = "platform";
    public const string PlatformCreated = "platform.created";
    public const string KeyCreated = "platform.key_created";
    public const string KeyRevoked = "platform.key_revoked";
    private const int MaxNameLength = 200;

    /// <summary>Creates a platform with its first key.</summary>
    public async Task<NewPlatformKey> CreatePlatformAsync(string name, string actor, string actorRole, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            throw new PlatformException($"a platform name is 1 to {MaxNameLength} printable characters");
        }
        if (await db.Set<Platform>().AnyAsync(p => p.Name == name, ct))
        {
            throw new PlatformException($"a platform named '{name}' already exists");
        }
        var platform = new Platform { Name = name, CreatedAt = time.GetUtcNow() };
        var (key, created) = NewKey(platform);
        db.Set<Platform>().Add(platform);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with another 'platform add' of the same name; the unique index decided.
            throw new PlatformException($"a platform named '{name}' already exists");
        }
        await ledger.AppendBatchAsync(
            [Event(actor, actorRole, PlatformCreated, name, "platform registered"),
             Event(actor, actorRole, KeyCreated, name, "api key " + key.KeyId)], ct);
        return created;
    }

    /// <summary>Adds a key to an existing platform (for rotation: add, switch, then revoke the old one).</summary>
    public async Task<NewPlatformKey> AddKeyAsync(string name, string actor, string actorRole, CancellationToken ct)
    {
        var platform = await db.Set<Platform>().SingleOrDefaultAsync(p => p.Name == name, ct)
            ?? throw new PlatformException($"no platform named '{name}'");
        var (key, created) = NewKey(platform);
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, actorRole, KeyCreated, platform.Name, "api key " + key.KeyId), ct);
        return created;
    }

    /// <summary>Revokes a key by its public id (or the whole key). Returns false when it was already revoked.</summary>
    public async Task<bool> RevokeKeyAsync(string keyIdOrKey, string actor, string actorRole, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keyIdOrKey);
        var keyId = TryParse(keyIdOrKey, out var parsedId, out _) ? parsedId : keyIdOrKey.Trim();
        var key = await db.Set<PlatformApiKey>().Include(k => k.Platform).SingleOrDefaultAsync(k => k.KeyId == keyId, ct)
            ?? throw new PlatformException($"no API key with id '{keyId}'");
        if (key.RevokedAt is not null)
        {
            return false;
        }
        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(Event(actor, actorRole, KeyRevoked, key.Platform!.Name, "api key " + key.KeyId), ct);
        return true;
    }

    public async Task<IReadOnlyList<PlatformSummary>> ListAsync(CancellationToken ct)
    {
        var all = await db.Set<Platform>().Include(p => p.Keys).AsNoTracking().ToListAsync(ct);
        return [.. all.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new PlatformSummary(
            p.Name, p.CreatedAt, [.. p.Keys.OrderBy(k => k.Id).Select(k => new PlatformKeySummary(k.KeyId, k.CreatedAt, k.RevokedAt))]))];
    }

    /// <summary>The platform a presented key belongs to, or null when the key is malformed, unknown or revoked.</summary>
    public async Task<Platform?> VerifyAsync(string presented, CancellationToken ct)
    {
        if (!TryParse(presented, out var keyId, out var secret))
        {
            return null;
        }
        var key = await db.Set<PlatformApiKey>().AsNoTracking().Include(k => k.Platform)
            .SingleOrDefaultAsync(k => k.KeyId == keyId && k.RevokedAt == null, ct);
        if (key is null)
        {
            return null;
        }
        return BearerSecret.Matches(secret, key.SecretSha256) ? key.Platform : null;
    }

    /// <summary>Splits <c>vgl_&lt;id&gt;_&lt;secret&gt;</c>.</summary>
    public static bool TryParse(string? key, out string keyId, out string secret) => BearerSecret.TryParse(key, Prefix, out keyId, out secret);

    private (PlatformApiKey Key, NewPlatformKey Created) NewKey(Platform platform)
    {
        var made = BearerSecret.Create(Prefix);
        var key = new PlatformApiKey
        {
            KeyId = made.Id,
            SecretSha256 = made.SecretSha256,
            CreatedAt = time.GetUtcNow(),
            Platform = platform,
        };
        platform.Keys.Add(key);
        if (platform.Id != 0)
        {
            db.Set<PlatformApiKey>().Add(key);
        }
        return (key, new NewPlatformKey(platform.Name, made.Id, made.Token));
    }

    private static LedgerEvent Event(string actor, string role, string action, string platform, string reason) =>
        new(actor, role, action, new LedgerSubject(SubjectType, platform), reason);
}
