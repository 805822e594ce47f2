using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Vigil.Ledger.Tests;

/// <summary>SIGKILL the appending process at random moments: the log always verifies and keeps every acknowledged append.</summary>
public class CrashTests
{
    private const int Kills = 50;

    [Fact]
    public async Task KilledAppender_NeverLosesAnAcknowledgedAppend_AndTheLogAlwaysVerifies()
    {
        using var dir = new TempDirectory();
        var random = new Random(20261127);
        var acknowledged = new Dictionary<long, string>();
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        string assembly = typeof(StressHost).Assembly.Location;
        int killedWhileAppending = 0;

        for (int run = 0; run < Kills; run++)
        {
            var lines = new ConcurrentQueue<string>();
            var firstAck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var start = new ProcessStartInfo(host)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(assembly);
            start.ArgumentList.Add("append-stress");
            start.ArgumentList.Add(dir.Path);
            start.ArgumentList.Add("r" + run.ToString(CultureInfo.InvariantCulture));
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lines.Enqueue(e.Data);
                    firstAck.TrySetResult();
                }
            };
            var stderr = new ConcurrentQueue<string>();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    stderr.Enqueue(e.Data);
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            // Kill mostly mid-append (after the first acknowledgement), sometimes during start-up and recovery.
            if (random.Next(5) > 0)
            {
                Task done = await Task.WhenAny(firstAck.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(20)));
                Assert.True(firstAck.Task.IsCompleted, $"run {run}: no append was acknowledged: {string.Join(" | ", stderr)}");
                killedWhileAppending++;
            }

            await Task.Delay(random.Next(0, 200));
            process.Kill(entireProcessTree: true); // SIGKILL on Unix
            await process.WaitForExitAsync();
            Assert.True(stderr.IsEmpty, $"run {run}: the appender failed: {string.Join(" | ", stderr)}");

            foreach (string line in lines)
            {
                // Only whole lines count: a line cut by the kill lacks the final " .".
                string[] parts = line.Split(' ');
                if (parts.Length == 3 && parts[2] == "." && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long index))
                {
                    acknowledged.Add(index, parts[1]);
                }
            }

            await using LedgerLog ledger = LedgerLog.OpenDataDirectory(dir.Path);
            LedgerVerification verification = ledger.Verify(CancellationToken.None);
            Assert.True(verification.IsValid, $"run {run}: " + string.Join("; ", verification.Problems.Select(p => p.Message)));
            long size = ledger.Size();
            foreach ((long index, string id) in acknowledged.Where(a => a.Key >= size || a.Value.StartsWith($"r{run}-", StringComparison.Ordinal)))
            {
                Assert.True(index < size, $"run {run}: acknowledged entry {index} is gone (size {size})");
                Assert.Equal(id, ledger.ReadEntry(index).Event.Reason);
            }

            if (run % 10 == 9)
            {
                ledger.Checkpoint();
            }
        }

        Assert.True(killedWhileAppending >= Kills / 2, $"only {killedWhileAppending} kills hit a running appender");
        Assert.True(acknowledged.Count > Kills, $"only {acknowledged.Count} appends were acknowledged");
        await using (LedgerLog ledger = LedgerLog.OpenDataDirectory(dir.Path))
        {
            foreach ((long index, string id) in acknowledged)
            {
                Assert.Equal(id, ledger.ReadEntry(index).Event.Reason);
            }
        }
    }
}
