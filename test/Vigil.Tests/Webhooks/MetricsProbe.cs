using System.Diagnostics.Metrics;
using Vigil.Webhooks;

namespace Vigil.Tests.Webhooks;

/// <summary>Listens to the Vigil.Webhooks meter.</summary>
internal sealed class MetricsProbe : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Dictionary<string, long> counts = [];
    private int durations;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MetricsProbe(WebhookMetrics metrics)
    {
        // Only this dispatcher's meter: other tests running alongside have meters of the same name.
        listener.InstrumentPublished = (i, l) =>
        {
            if (ReferenceEquals(i.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) =>
        {
            if (i.Name == "vigil.webhooks.deliveries")
            {
                var outcome = (string)tags.ToArray().Single(t => t.Key == "outcome").Value!;
                lock (counts)
                {
                    counts[outcome] = counts.GetValueOrDefault(outcome) + value;
                }
                Signal();
            }
        });
        listener.SetMeasurementEventCallback<double>((i, _, _, _) => Interlocked.Increment(ref durations));
        listener.Start();
    }

    public int Durations => durations;

    public long Count(string outcome)
    {
        lock (counts)
        {
            return counts.GetValueOrDefault(outcome);
        }
    }

    /// <summary>Waits (30 s of real time at most) until <paramref name="outcome"/> was counted <paramref name="count"/> times: the state is saved by then.</summary>
    public async Task WaitForAsync(string outcome, long count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = Volatile.Read(ref changed).Task;
            if (Count(outcome) >= count)
            {
                return;
            }
            await next.WaitAsync(timeout.Token);
        }
    }

    public void Dispose() => listener.Dispose();

    private void Signal() => Interlocked.Exchange(ref changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
