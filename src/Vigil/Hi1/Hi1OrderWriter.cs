using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Hi1;

/// <summary>
/// What one authenticated HI-1 request asks to write: its nonce (always) and, when the message creates a valid order,
/// the inputs to build that order. The order is built by <see cref="Build"/>, so a batch that has to be retried one
/// request at a time starts again from fresh entities.
/// </summary>
internal sealed record Hi1Commit(Hi1Message Message, IReadOnlyList<Hi1Action> Creates, Authority Authority, string KeyId, string Nonce,
    DateTimeOffset NonceExpiresAt, string Authenticated, byte[] Body, DateTimeOffset Now)
{
    /// <summary>The order to create (validated by the caller); null when the request creates nothing.</summary>
    public Hi1OrderDraft? Draft { get; set; }

    public TaskCompletionSource<Hi1CommitOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Hi1OrderDraft Build() => Hi1OrderReader.Read(Message, Creates, Authority, KeyId, Now);
}

/// <summary>The writer's answer: the nonce was already used (a replay; nothing written), or the order (if any) exists.</summary>
internal sealed record Hi1CommitOutcome(bool Replay, Hi1OrderDraft? Draft);

/// <summary>
/// Group commit for HI-1 intake. Requests are verified, parsed and validated in parallel on the request threads; only
/// their writes come here. One loop takes whatever is waiting (up to <see cref="MaxBatch"/>) and writes all of it in one
/// transaction: the nonces (a replay, from the database or earlier in the same batch, is answered as such), the new
/// orders with their tasks, selectors and documents, their first transitions and their preservation holds (plain SQL
/// through <see cref="RowInserter"/>); then one ledger append for the batch, which runs while the next batch is written.
/// One commit (one fsync) for many orders instead of two per order, and on SQLite a single writer instead of requests
/// queueing on the database's write lock.
/// If the batch fails (a constraint another node raced us to), it is rolled back and each request is written alone,
/// so one bad request never fails the others.
/// </summary>
internal sealed class Hi1OrderWriter : IAsyncDisposable
{
    public const int MaxBatch = 128;

    private readonly Channel<Hi1Commit> queue = Channel.CreateBounded<Hi1Commit>(new BoundedChannelOptions(4 * MaxBatch) { SingleReader = true });
    private readonly VigilStore store;
    private readonly LedgerLog ledger;
    private readonly TimeProvider time;
    private readonly Task loop;
    private DateTimeOffset lastNonceCleanup;

    public Hi1OrderWriter(VigilStore store, LedgerLog ledger, TimeProvider time)
    {
        this.store = store;
        this.ledger = ledger;
        this.time = time;
        loop = Task.Run(RunAsync);
    }

    public async Task<Hi1CommitOutcome> WriteAsync(Hi1Commit commit, CancellationToken ct)
    {
        await queue.Writer.WriteAsync(commit, ct);
        // Once queued it is written whatever the caller does next; the caller only stops waiting.
        return await commit.Done.Task.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    private async Task RunAsync()
    {
        var batch = new List<Hi1Commit>(MaxBatch);
        var answers = new List<Task>();
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var c))
            {
                batch.Add(c);
            }
            var written = new List<(Hi1Commit Commit, Hi1CommitOutcome Outcome)>(batch.Count);
            var events = new List<LedgerEvent>();
            try
            {
                await WriteBatchAsync(batch, written, events);
            }
            catch (Exception)
            {
                // Rolled back: nothing of the batch was written. Each request again, alone.
                written.Clear();
                events.Clear();
                foreach (var c in batch)
                {
                    await WriteAloneAsync(c, written, events);
                }
            }
            // After the commit, like every other writer of orders: the ledger records what is in the database. The append
            // (the ledger's own fsync) runs while the next batch is written; each request is answered once its batch is
            // in both. Appends keep the batches' order, since the ledger queues them as they are called.
            answers.RemoveAll(t => t.IsCompleted);
            answers.Add(AnswerAsync(written, events));
        }
        await Task.WhenAll(answers);
    }

    private async Task AnswerAsync(List<(Hi1Commit Commit, Hi1CommitOutcome Outcome)> written, List<LedgerEvent> events)
    {
        try
        {
            if (events.Count > 0)
            {
                await ledger.AppendBatchAsync(events, CancellationToken.None);
            }
            foreach (var (c, outcome) in written)
            {
                c.Done.TrySetResult(outcome);
            }
        }
        catch (Exception e)
        {
            foreach (var (c, _) in written)
            {
                c.Done.TrySetException(e);
            }
        }
    }

    /// <summary>
    /// One request on its own, from fresh entities; tried twice, because the usual failure is another node committing
    /// the same nonce or order first, which the second try's checks then see (a replay, or the existing order).
    /// </summary>
    private async Task WriteAloneAsync(Hi1Commit c, List<(Hi1Commit, Hi1CommitOutcome)> written, List<LedgerEvent> events)
    {
        for (int attempt = 1; ; attempt++)
        {
            c.Draft = c.Draft is null ? null : c.Build();
            var mine = new List<LedgerEvent>();
            try
            {
                await WriteBatchAsync([c], written, mine);
                events.AddRange(mine);
                return;
            }
            catch (Exception e) when (attempt == 2)
            {
                c.Done.TrySetException(e);
                return;
            }
            catch (Exception)
            {
                // Try once more.
            }
        }
    }

    private async Task WriteBatchAsync(List<Hi1Commit> batch, List<(Hi1Commit, Hi1CommitOutcome)> written, List<LedgerEvent> done)
    {
        var ct = CancellationToken.None;
        await using var db = store.CreateContext();
        var outcomes = new Hi1CommitOutcome[batch.Count];

        // Replays: nonces already stored, or repeated within this batch.
        var keyIds = batch.Select(c => c.KeyId).Distinct(StringComparer.Ordinal).ToList();
        var nonces = batch.Select(c => c.Nonce).Distinct(StringComparer.Ordinal).ToList();
        var used = (await db.Hi1Nonces.AsNoTracking().Where(n => keyIds.Contains(n.KeyId) && nonces.Contains(n.Nonce))
            .Select(n => new { n.KeyId, n.Nonce }).ToListAsync(ct)).Select(n => (n.KeyId, n.Nonce)).ToHashSet();

        // A repeated CREATE (the authority retrying after a lost answer) gets the same answer, not a second order.
        var objectIds = batch.Where(c => c.Draft?.Order.Hi1ObjectId is not null).Select(c => c.Draft!.Order.Hi1ObjectId!).Distinct(StringComparer.Ordinal).ToList();
        var existing = objectIds.Count == 0 ? [] : (await db.LegalOrders.AsNoTracking()
            .Where(o => o.Hi1ObjectId != null && objectIds.Contains(o.Hi1ObjectId))
            .Select(o => new { o.AuthorityId, o.Hi1ObjectId }).ToListAsync(ct)).Select(o => (o.AuthorityId, o.Hi1ObjectId!)).ToHashSet();

        var nonceRows = new List<Hi1Nonce>();
        var created = new List<(Hi1Commit Commit, LegalOrder Order)>();
        for (int i = 0; i < batch.Count; i++)
        {
            var c = batch[i];
            if (!used.Add((c.KeyId, c.Nonce)))
            {
                outcomes[i] = new Hi1CommitOutcome(Replay: true, null);
                continue;
            }
            nonceRows.Add(new Hi1Nonce { KeyId = c.KeyId, Nonce = c.Nonce, ExpiresAt = c.NonceExpiresAt });
            outcomes[i] = new Hi1CommitOutcome(Replay: false, c.Draft);
            if (c.Draft is { } draft && (draft.Order.Hi1ObjectId is not { } id || existing.Add((c.Authority.Id, id))))
            {
                var order = draft.Order;
                OrderLifecycle.StartClock(order);
                // Received -> Authenticated -> UnderReview before the row is written, so it is written once, as it ends.
                order.Transitions.Add(OrderLifecycle.Apply(order, OrderState.Authenticated, c.KeyId, c.Authenticated, c.Now));
                order.Transitions.Add(OrderLifecycle.Apply(order, OrderState.UnderReview, c.KeyId, "received over HI-1; awaiting legal review", c.Now));
                created.Add((c, order));
            }
        }

        // Plain SQL (RowInserter): at ~10 rows per order, EF's change tracking cost several times what the database did.
        var events = new List<LedgerEvent>();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await RowInserter.InsertAsync(db, nonceRows, ct);
            await OrderRows.InsertAsync(db, [.. created.Select(x => x.Order)], ct);
            var holds = created.Select(x => PreservationHolds.ForOrder(x.Order, x.Commit.Now)).ToList();
            await RowInserter.InsertAsync(db, holds.SelectMany(h => h).ToList(), ct);
            for (int k = 0; k < created.Count; k++)
            {
                var (c, order) = created[k];
                var moves = order.Transitions.Select(t => OrderLifecycle.TransitionEvent(t, Hi1Intake.Role, order.Id)).ToList();
                events.AddRange(Hi1Intake.CreatedEvents(c, order, moves, holds[k]));
            }
            var now = time.GetUtcNow();
            if (now - lastNonceCleanup > TimeSpan.FromMinutes(1))
            {
                lastNonceCleanup = now;
                await db.Hi1Nonces.Where(n => n.ExpiresAt < now).ExecuteDeleteAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        for (int i = 0; i < batch.Count; i++)
        {
            written.Add((batch[i], outcomes[i]));
        }
        done.AddRange(events);
    }
}
