using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>Runs <see cref="RecordPurge"/> every <see cref="RetentionPolicy.PurgeEvery"/> on the server's clock.</summary>
public sealed partial class RecordPurgeService(VigilStore store, RetentionPolicy policy, LedgerLog ledger, TimeProvider time, ILogger<RecordPurgeService> log) : BackgroundService
{
    /// <summary>The last run's report (null before the first).</summary>
    public PurgeReport? Last { get; private set; }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(policy.PurgeEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = store.CreateContext();
                Last = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: false, ledger, stoppingToken);
                var deleted = Last.Categories.Sum(c => c.Deleted);
                LogPurged(log, deleted);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                // The next tick tries again; a failed purge deleted nothing it did not commit.
                LogFailed(log, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge deleted {Count} records")]
    private static partial void LogPurged(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention purge failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception e);
}
