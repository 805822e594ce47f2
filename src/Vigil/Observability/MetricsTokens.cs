using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Observability;

/// <summary>A token just created: <see cref="Token"/> is shown once and never stored.</summary>
public sealed record NewMetricsToken(string Name, string TokenId, string Token);

/// <summary>A token as listed; never includes the secret.</summary>
public sealed record MetricsTokenSummary(string Name, string TokenId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A refused token operation (bad or duplicate name, unknown token).</summary>
public sealed class MetricsTokenException(string message) : Exception(message)
{
    public MetricsTokenException() : this("metrics token error") { }

    public MetricsTokenException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>Creates, revokes, lists and verifies <c>/metrics</c> scrape tokens (<c>vmt_&lt;id&gt;_&lt;secret&gt;</c>). Changes go to the ledger.</summary>
public sealed class MetricsTokens(VigilDb db, LedgerLog ledger, TimeProvider time)
{
    public const string Prefix = "vmt_";
    public const string SubjectType = "metrics_token";
    public const string Created = "metrics.token_created";
    public const string Revoked = "metrics.token_revoked";
    private const int MaxNameLength = 200;

    /// <summary>Creates a token named <paramref name="name"/>. A revoked token's name may be used again (its row gets the new secret).</summary>
    public async Task<NewMetricsToken> CreateAsync(string name, string actor, string actorRole, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            throw new MetricsTokenException($"a metrics token name is 1 to {MaxNameLength} printable characters");
        }
        var row = await db.MetricsTokens.SingleOrDefaultAsync(t => t.Name == name, ct);
        if (row is { RevokedAt: null })
        {
            throw new MetricsTokenException($"a metrics token named '{name}' exists; revoke it first to replace it");
        }
        var made = BearerSecret.Create(Prefix);
        var (tokenId, hash) = (made.Id, made.SecretSha256);
        if (row is null)
        {
            db.MetricsTokens.Add(new MetricsToken { Name = name, TokenId = tokenId, SecretSha256 = hash, CreatedAt = time.GetUtcNow() });
        }
        else
        {
            row.TokenId = tokenId;
            row.SecretSha256 = hash;
            row.CreatedAt = time.GetUtcNow();
            row.RevokedAt = null;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw new MetricsTokenException($"a metrics token named '{name}' exists");
        }
        await ledger.AppendAsync(new LedgerEvent(actor, actorRole, Created, new LedgerSubject(SubjectType, name), "token " + tokenId), ct);
        return new NewMetricsToken(name, tokenId, made.Token);
    }

    /// <summary>Revokes the token named <paramref name="name"/>; false when it was already revoked.</summary>
    public async Task<bool> RevokeAsync(string name, string actor, string actorRole, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        var row = await db.MetricsTokens.SingleOrDefaultAsync(t => t.Name == name, ct)
            ?? throw new MetricsTokenException($"no metrics token named '{name}'");
        if (row.RevokedAt is not null)
        {
            return false;
        }
        row.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await ledger.AppendAsync(new LedgerEvent(actor, actorRole, Revoked, new LedgerSubject(SubjectType, name), "token " + row.TokenId), ct);
        return true;
    }

    public async Task<IReadOnlyList<MetricsTokenSummary>> ListAsync(CancellationToken ct)
    {
        var all = await db.MetricsTokens.AsNoTracking().ToListAsync(ct);
        return [.. all.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => new MetricsTokenSummary(t.Name, t.TokenId, t.CreatedAt, t.RevokedAt))];
    }

    /// <summary>The name of the token presented, or null when it is malformed, unknown or revoked.</summary>
    public async Task<string?> VerifyAsync(string presented, CancellationToken ct)
    {
        if (!TryParse(presented, out var tokenId, out var secret))
        {
            return null;
        }
        var row = await db.MetricsTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenId == tokenId && t.RevokedAt == null, ct);
        if (row is null)
        {
            return null;
        }
        return BearerSecret.Matches(secret, row.SecretSha256) ? row.Name : null;
    }

    /// <summary>Splits <c>vmt_&lt;id&gt;_&lt;secret&gt;</c>.</summary>
    public static bool TryParse(string? token, out string tokenId, out string secret) => BearerSecret.TryParse(token, Prefix, out tokenId, out secret);
}
