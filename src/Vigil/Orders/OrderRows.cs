using Vigil.Storage;

namespace Vigil.Orders;

/// <summary>Writes new orders with everything they carry through <see cref="RowInserter"/> (plain SQL, no change tracking).</summary>
internal static class OrderRows
{
    /// <summary>
    /// Inserts <paramref name="orders"/> (unsaved) with their tasks, selectors, documents and transitions, parents first so
    /// each child gets its parent's new key, inside the caller's transaction. Every entity's key is set afterwards.
    /// </summary>
    public static async Task InsertAsync(VigilDb db, IReadOnlyList<LegalOrder> orders, CancellationToken ct)
    {
        await RowInserter.InsertAsync(db, orders, ct);
        foreach (var order in orders)
        {
            order.Tasks.ForEach(t => t.OrderId = order.Id);
            order.Documents.ForEach(d => d.OrderId = order.Id);
            order.Transitions.ForEach(t => t.OrderId = order.Id);
        }
        var tasks = orders.SelectMany(o => o.Tasks).ToList();
        await RowInserter.InsertAsync(db, tasks, ct);
        foreach (var task in tasks)
        {
            task.Selectors.ForEach(s => s.TaskId = task.Id);
        }
        await RowInserter.InsertAsync(db, tasks.SelectMany(t => t.Selectors).ToList(), ct);
        await RowInserter.InsertAsync(db, orders.SelectMany(o => o.Documents).ToList(), ct);
        await RowInserter.InsertAsync(db, orders.SelectMany(o => o.Transitions).ToList(), ct);
    }
}
