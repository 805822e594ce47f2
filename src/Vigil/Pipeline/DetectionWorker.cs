using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Storage;

namespace Vigil.Pipeline;

/// <summary>
/// Runs the detection pipeline inside <c>vigil serve</c>: loads the rules at start, then processes batches while
/// items wait, sleeping until ingest or a report says there is new work, or the poll interval passes (for items
/// other processes wrote). Nothing is held in memory between batches, so a restart loses nothing.
/// </summary>
public sealed partial class DetectionWorker(
    DetectionProcessor processor, PipelineRules rules, PipelineOptions options, PipelineNotifier notifier, VigilStore store, TimeProvider time, ILogger<DetectionWorker> logger)
    : BackgroundService
{
    /// <summary>The shipped rules, copied beside the executable at build.</summary>
    public static string ShippedRulesFolder => Path.Combine(AppContext.BaseDirectory, "rules");

    /// <summary>Loads the rules (seeding the default folder on first start), then starts the loop.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = ResolveRulesFolder(options, store);
        await rules.StartAsync(folder, options.WatchRules, options.RulesDebounce, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>The rules folder in use: the configured one, or <c>DATA/rules</c> seeded with the shipped rules.</summary>
    public static string ResolveRulesFolder(PipelineOptions options, VigilStore store)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        if (options.RulesFolder is { } configured)
        {
            return Path.GetFullPath(configured);
        }
        var folder = Path.Combine(store.DataDirectory.FullName, "rules");
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            if (Directory.Exists(ShippedRulesFolder))
            {
                foreach (var file in Directory.EnumerateFiles(ShippedRulesFolder, "*.yaml"))
                {
                    File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
                }
            }
        }
        return folder;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.RunInBackground)
        {
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            BatchOutcome outcome;
            try
            {
                outcome = await processor.ProcessBatchAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The batch rolled back and its items wait; back off so a down database is not hammered.
                failures++;
                LogBatchFailed(logger, e, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * (1 << Math.Min(failures, 7)))), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            if (outcome.Claimed >= options.BatchSize)
            {
                continue;
            }
            try
            {
                await notifier.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "detection batch failed (attempt {Failures}); its items stay queued")]
    private static partial void LogBatchFailed(ILogger logger, Exception e, int failures);
}
