namespace Vigil.Pipeline;

/// <summary>Settings of the detection pipeline; set them before the host starts.</summary>
public sealed class PipelineOptions
{
    /// <summary>Rules folder; null means <c>DATA/rules</c>, seeded with the shipped rules on first start.</summary>
    public string? RulesFolder { get; set; }

    /// <summary>Most items claimed per batch (one transaction each).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How often to look for items written by other processes when nothing woke the worker.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often, at most, to ask whether the banks changed.</summary>
    public TimeSpan BankCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Quiet time after a rules file changes before reloading.</summary>
    public TimeSpan RulesDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>False: the background loop does not run and batches are processed only when called (tests).</summary>
    public bool RunInBackground { get; set; } = true;

    /// <summary>False: rules are loaded once and reloaded only when asked (tests).</summary>
    public bool WatchRules { get; set; } = true;
}

/// <summary>Wakes the detection worker when ingest stores new items or a report re-queues one.</summary>
public sealed class PipelineNotifier : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    /// <summary>Says that there is new work; cheap, never blocks, coalesces.</summary>
    public void NewItemsStored()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it first: one wake-up is enough.
            }
        }
    }

    /// <summary>Waits for <see cref="NewItemsStored"/> or until <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    /// <summary>Releases the wait handle.</summary>
    public void Dispose() => signal.Dispose();
}
