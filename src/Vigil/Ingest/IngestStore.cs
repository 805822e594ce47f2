using Microsoft.EntityFrameworkCore;
using Vigil.Storage;

namespace Vigil.Ingest;

/// <summary>Stores accepted items, idempotent by (platform, item id).</summary>
public static class IngestStore
{
    private const int Attempts = 4;

    /// <summary>
    /// Stores the items not already there in one transaction; returns, per item, whether it is new (true) or a
    /// duplicate. A concurrent batch with the same ids makes the unique index fail the commit; we then retry, and
    /// the ids it stored come back as duplicates. So "new" is only said after our commit succeeded.
    /// </summary>
    public static async Task<bool[]> StoreAsync(VigilDb db, long platformId, IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(items);
        var isNew = new bool[items.Count];
        if (items.Count == 0)
        {
            return isNew;
        }
        var ids = items.Select(i => i.ItemId).Distinct(StringComparer.Ordinal).ToList();
        for (int attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var existing = (await db.IngestItems.Where(x => x.PlatformId == platformId && ids.Contains(x.ItemId)).Select(x => x.ItemId).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            Array.Clear(isNew);
            for (int k = 0; k < items.Count; k++)
            {
                // The same id twice in one batch: the first is stored, the rest are duplicates of it.
                if (existing.Add(items[k].ItemId))
                {
                    isNew[k] = true;
                    items[k].Id = 0;
                    db.IngestItems.Add(items[k]);
                }
            }
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return isNew;
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                await tx.RollbackAsync(ct);
            }
        }
    }
}
