using System.CommandLine;

namespace Vigil.Cli;

/// <summary><c>vigil bench hi1</c>: verified HI-1 CREATE requests per second and latency on one node.</summary>
public static class BenchHi1Command
{
    public static Command Create()
    {
        var postgres = new Option<string?>("--postgres") { Description = "Run against this PostgreSQL database instead of a fresh SQLite folder" };
        var seconds = new Option<double>("--seconds") { Description = "Length of the measured window", DefaultValueFactory = _ => 30 };
        var concurrency = new Option<int>("--concurrency") { Description = "Concurrent signing clients (requests in flight)", DefaultValueFactory = _ => 64 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring, not counted (on two cores the JIT's tiering thread is busy for the first 30-40 s)", DefaultValueFactory = _ => 60 };
        var cmd = new Command("hi1", "Signed HI-1 EPOC CREATEs over loopback HTTP: verified orders/s, latency p50/p99, CPU per order") { postgres, seconds, concurrency, warmup };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var report = await Vigil.Hi1.Hi1Bench.RunAsync(parse.GetValue(postgres), TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))),
                TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(warmup))), Math.Clamp(parse.GetValue(concurrency), 1, 256), parse.GetValue(CliContext.Json) ? null : output, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, report);
            }
            else
            {
                await output.WriteLineAsync(report.Format());
            }
            return report.Accepted > 0 && report.Failed == 0 ? 0 : 1;
        }));
        return cmd;
    }
}
