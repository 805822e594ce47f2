using Microsoft.EntityFrameworkCore;
using Vigil.Banks.Exchanges;
using Vigil.Storage;

namespace Vigil.Banks;

/// <summary>A bank operation refused for a reason the user can fix (unknown bank, bad setting).</summary>
public sealed class BankException(string message) : Exception(message)
{
    public BankException() : this("bank operation refused") { }

    public BankException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>What an import changed.</summary>
public sealed record ImportResult(string Bank, string File, ExchangeFormat Format, int Added, int Updated, int Removed, int Unchanged, string? NextCursor, bool HasMore);

/// <summary>Creating, listing, filling, importing and exporting hash banks. Each call is one transaction.</summary>
public static class BankOperations
{
    public static async Task<HashBank> CreateAsync(VigilDb db, string name, BankKind kind, string? description, int? pdqMaxDistance, TimeProvider time, CancellationToken ct)
    {
        ValidateName(name);
        if (await db.Banks.AnyAsync(b => b.Name == name, ct))
        {
            throw new BankException($"bank '{name}' already exists");
        }
        var bank = new HashBank { Name = name, Kind = kind, Description = description, CreatedAt = time.GetUtcNow() };
        if (pdqMaxDistance is { } d)
        {
            bank.PdqMaxDistance = CheckDistance(d);
        }
        db.Banks.Add(bank);
        await db.SaveChangesAsync(ct);
        return bank;
    }

    public static async Task<HashBank> GetAsync(VigilDb db, string name, CancellationToken ct) =>
        await db.Banks.SingleOrDefaultAsync(b => b.Name == name, ct)
        ?? throw new BankException($"no bank named '{name}' (see `vigil bank list`)");

    public static async Task<List<BankSummary>> ListAsync(VigilDb db, CancellationToken ct)
    {
        var banks = await db.Banks.OrderBy(b => b.Name).ToListAsync(ct);
        var counts = await db.BankEntries
            .GroupBy(e => new { e.BankId, e.SignalType })
            .Select(g => new { g.Key.BankId, g.Key.SignalType, Total = g.Count(), Active = g.Count(e => e.Enabled && e.QuarantinedAt == null) })
            .ToListAsync(ct);
        return banks.Select(b => new BankSummary(
            b.Name, b.Kind, b.Enabled, b.PdqMaxDistance, b.Description,
            counts.Where(c => c.BankId == b.Id).ToDictionary(c => c.SignalType.Name(), c => c.Total),
            counts.Where(c => c.BankId == b.Id).Sum(c => c.Active))).ToList();
    }

    /// <summary>Sets the bank's settings; nulls leave a setting as it is.</summary>
    public static async Task<HashBank> ConfigureAsync(VigilDb db, string name, bool? enabled, int? pdqMaxDistance, double? textMinSimilarity, CancellationToken ct)
    {
        var bank = await GetAsync(db, name, ct);
        if (enabled is { } e)
        {
            bank.Enabled = e;
        }
        if (pdqMaxDistance is { } d)
        {
            bank.PdqMaxDistance = CheckDistance(d);
        }
        if (textMinSimilarity is { } s)
        {
            bank.TextMinSimilarity = s is > 0 and <= 1 ? s : throw new BankException("text similarity threshold must be in (0, 1]");
        }
        await db.SaveChangesAsync(ct);
        return bank;
    }

    /// <summary>Enables or disables one entry (by id or by signal) without deleting it.</summary>
    public static async Task<BankEntry> SetEntryEnabledAsync(VigilDb db, string bankName, string entry, bool enabled, TimeProvider time, CancellationToken ct)
    {
        var bank = await GetAsync(db, bankName, ct);
        var query = db.BankEntries.Where(e => e.BankId == bank.Id);
        var signal = entry.Trim().ToLowerInvariant();
        var found = long.TryParse(entry, out var id)
            ? await query.SingleOrDefaultAsync(e => e.Id == id, ct)
            : await query.FirstOrDefaultAsync(e => e.Signal == signal, ct);
        if (found is null)
        {
            throw new BankException($"bank '{bankName}' has no entry '{entry}'");
        }
        found.Enabled = enabled;
        if (enabled)
        {
            // Re-enabling is also how a T&S lead releases an entry flood protection quarantined.
            found.QuarantinedAt = null;
            found.QuarantineReason = null;
        }
        found.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return found;
    }

    /// <summary>
    /// Applies a parsed exchange file in one transaction: new signals are added, known ones get the
    /// file's labels, <c>deleted</c> records are removed, and the source's checkpoint moves on.
    /// </summary>
    public static async Task<ImportResult> ImportAsync(VigilDb db, string bankName, string file, string source, ExchangeBatch batch, TimeProvider time, CancellationToken ct)
    {
        var bank = await GetAsync(db, bankName, ct);
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.BankEntries.Where(e => e.BankId == bank.Id).ToDictionaryAsync(e => (e.SignalType, e.Signal), ct);
        int added = 0, updated = 0, removed = 0, unchanged = 0;
        foreach (var r in batch.Records)
        {
            if (existing.TryGetValue((r.Type, r.Signal), out var entry))
            {
                if (r.Deleted)
                {
                    db.BankEntries.Remove(entry);
                    existing.Remove((r.Type, r.Signal));
                    removed++;
                }
                else if (ApplyLabels(entry, r, source, now))
                {
                    updated++;
                }
                else
                {
                    unchanged++;
                }
            }
            else if (!r.Deleted)
            {
                entry = new BankEntry { BankId = bank.Id, SignalType = r.Type, Signal = r.Signal, FirstSeen = r.Labels.FirstSeen ?? now, UpdatedAt = now };
                ApplyLabels(entry, r, source, now);
                db.BankEntries.Add(entry);
                existing[(r.Type, r.Signal)] = entry;
                added++;
            }
            else
            {
                unchanged++;
            }
        }
        var checkpoint = await db.ImportCheckpoints.SingleOrDefaultAsync(c => c.BankId == bank.Id && c.Source == source, ct);
        if (checkpoint is null)
        {
            checkpoint = new ImportCheckpoint { BankId = bank.Id, Source = source, Format = batch.Format.ToString().ToLowerInvariant() };
            db.ImportCheckpoints.Add(checkpoint);
        }
        checkpoint.Cursor = batch.NextCursor ?? checkpoint.Cursor;
        checkpoint.HasMore = batch.HasMore;
        var newest = batch.Records.Select(r => r.UpdatedAt ?? r.Labels.FirstSeen).Max();
        if (newest is { } n && (checkpoint.NewestRecord is null || n > checkpoint.NewestRecord))
        {
            checkpoint.NewestRecord = n;
        }
        checkpoint.Imports++;
        checkpoint.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ImportResult(bank.Name, file, batch.Format, added, updated, removed, unchanged, checkpoint.Cursor, checkpoint.HasMore);
    }

    /// <summary>The bank's entries as exchange records, oldest first.</summary>
    public static async Task<List<ExchangeRecord>> ExportAsync(VigilDb db, string bankName, bool includeDisabled, CancellationToken ct)
    {
        var bank = await GetAsync(db, bankName, ct);
        var entries = await db.BankEntries.Where(e => e.BankId == bank.Id && (includeDisabled || (e.Enabled && e.QuarantinedAt == null)))
            .OrderBy(e => e.Id).ToListAsync(ct);
        return entries.Select((e, i) => new ExchangeRecord(
            i + 1,
            e.SignalType,
            e.Signal,
            new ExchangeLabels
            {
                Entity = e.Entity, Ideology = e.Ideology, ContentType = e.ContentType, Severity = e.Severity,
                Confidence = e.Confidence, Tags = e.Tags, Source = e.Source, FirstSeen = e.FirstSeen, Enabled = e.IsActive,
            },
            UpdatedAt: e.UpdatedAt,
            SourceRef: e.SourceRef)).ToList();
    }

    private static bool ApplyLabels(BankEntry entry, ExchangeRecord r, string source, DateTimeOffset now)
    {
        var l = r.Labels;
        var before = (entry.Entity, entry.Ideology, entry.ContentType, entry.Severity, entry.Confidence, entry.Tags, entry.Source, entry.SourceRef, entry.Enabled);
        entry.Entity = l.Entity ?? entry.Entity;
        entry.Ideology = l.Ideology ?? entry.Ideology;
        entry.ContentType = l.ContentType ?? entry.ContentType;
        entry.Severity = l.Severity ?? entry.Severity;
        entry.Confidence = l.Confidence ?? entry.Confidence;
        entry.Tags = l.Tags ?? entry.Tags;
        entry.Source = l.Source ?? entry.Source ?? source;
        entry.SourceRef = r.SourceRef ?? entry.SourceRef;
        entry.Enabled = l.Enabled;
        if (l.FirstSeen is { } first && first < entry.FirstSeen)
        {
            entry.FirstSeen = first;
        }
        var changed = before != (entry.Entity, entry.Ideology, entry.ContentType, entry.Severity, entry.Confidence, entry.Tags, entry.Source, entry.SourceRef, entry.Enabled);
        if (changed)
        {
            entry.UpdatedAt = now;
        }
        return changed;
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new BankException("a bank name is 1 to 200 characters with no spaces or control characters");
        }
    }

    private static int CheckDistance(int d) =>
        d is >= 0 and <= 128 ? d : throw new BankException($"PDQ match distance {d} is outside 0..128");
}

/// <summary>A bank as `vigil bank list` shows it.</summary>
public sealed record BankSummary(string Name, BankKind Kind, bool Enabled, int PdqMaxDistance, string? Description, Dictionary<string, int> EntriesByType, int ActiveEntries);
