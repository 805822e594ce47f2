using System.Globalization;

namespace Vigil.Ledger.Tests;

/// <summary>
/// Entry point of this assembly when the crash test starts it as a child process:
/// <c>dotnet Vigil.Ledger.Tests.dll append-stress DIR TAG</c> appends from several concurrent appenders until killed,
/// printing <c>INDEX TAG-SEQ .</c> (flushed) for each acknowledged append.
/// </summary>
public static class StressHost
{
    public static int Main(string[] args)
    {
        if (args.Length != 3 || args[0] != "append-stress")
        {
            Console.Error.WriteLine("usage: append-stress DIR TAG");
            return 2;
        }

        RunAsync(args[1], args[2]).GetAwaiter().GetResult();
        return 0;
    }

    private static async Task RunAsync(string dir, string tag)
    {
        using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var gate = new object();
        await using LedgerLog ledger = LedgerLog.OpenDataDirectory(dir, "crash.test/ledger", new LedgerOptions { MaxBatchSize = 500 });
        long seq = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                string id = string.Create(CultureInfo.InvariantCulture, $"{tag}-{Interlocked.Increment(ref seq)}");
                long index = await ledger.AppendAsync(new LedgerEvent("stress", "system", "stress.append", new LedgerSubject("run", tag), id), CancellationToken.None);
                lock (gate)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{index} {id} ."));
                }
            }
        })));
    }
}
