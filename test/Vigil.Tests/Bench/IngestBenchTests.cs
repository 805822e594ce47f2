using System.Buffers;
using Vigil.Bench;
using Vigil.Ingest;
using Vigil.Tests.Support;

namespace Vigil.Tests.Bench;

public sealed class IngestBenchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generated_batches_are_valid_with_unique_ids_the_asked_mix_and_no_e2ee_bodies()
    {
        var pool = TrafficImagePool.Create(reposts: 2, unrelated: 2, seed: 3);
        var gen = new TrafficGenerator(pool, new TrafficMix(ImageShare: 0.2), seed: 7, idPrefix: "t-");
        var items = new List<IngestItem>();
        for (int b = 0; b < 10; b++)
        {
            var buffer = new ArrayBufferWriter<byte>();
            gen.WriteBatch(buffer, 200, Now);
            var (good, _, results) = IngestBatch.Parse(buffer.WrittenMemory, Now);
            Assert.Equal(200, good.Count);
            Assert.All(results, Assert.Null);
            items.AddRange(good);
        }
        Assert.Equal(2000, items.Select(i => i.ItemId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(2000, gen.Generated);
        Assert.Equal(2000, gen.Counts.Values.Sum());
        var images = items.Count(i => i.Type == "image");
        Assert.InRange(images, 320, 480);
        Assert.All(items.Where(i => i.E2ee), i => Assert.True(i.Text is null && i.Image is null && i.Type == "direct_message"));
        Assert.Contains(items, i => i.E2ee);
        Assert.All(items.Where(i => i.Type != "image" && !i.E2ee), i => Assert.InRange(i.Text!.Length, 50, 800));
        Assert.True(gen.Counts[TrafficKind.Threat] > 0 && gen.Counts[TrafficKind.ManifestoNearDuplicate] > 0 && gen.Counts[TrafficKind.BankRepost] > 0);
        Assert.Contains(items, i => i.Text?.Contains("I am going to bomb", StringComparison.Ordinal) == true && i.Metadata!.Contains("country", StringComparison.Ordinal));
    }

    [Fact]
    public void Same_seed_generates_the_same_traffic()
    {
        var pool = TrafficImagePool.Create(1, 1, seed: 3);
        byte[] Generate()
        {
            var buffer = new ArrayBufferWriter<byte>();
            new TrafficGenerator(pool, new TrafficMix(), seed: 9, idPrefix: "s-").WriteBatch(buffer, 50, Now);
            return buffer.WrittenSpan.ToArray();
        }
        Assert.Equal(Generate(), Generate());
    }

    [Fact]
    public void Statuses_are_counted_from_the_ingest_response()
    {
        var json = """{"results":[{"index":0,"item_id":"a","status":"accepted"},{"index":1,"item_id":"status","status":"duplicate"},{"index":2,"status":"rejected","reason":"x"}]}"""u8;
        Assert.Equal((1L, 1L, 1L), IngestBench.CountStatuses(json));
    }

    [Fact]
    public async Task A_short_run_reports_sane_figures_including_accept_to_decision_latency()
    {
        var options = new IngestBenchOptions
        {
            Duration = TimeSpan.FromSeconds(2),
            Clients = 2,
            Batch = 20,
            ImagePool = 2,
            ReportEvery = TimeSpan.FromSeconds(0.5),
        };
        var progress = new StringWriter();
        var r = await IngestBench.RunAsync(options, progress, CancellationToken.None);

        Assert.Equal(0, r.FailedBatches);
        Assert.Null(r.FirstError);
        Assert.True(r.Accepted > 0);
        Assert.Equal(r.EventsSent, r.Accepted);
        Assert.Equal(0, r.Duplicates + r.Rejected);
        Assert.Equal(r.Accepted, r.Mix.Values.Sum());
        Assert.InRange(r.Seconds, 2, 60);
        Assert.True(r.EventsPerSecond > 0 && r.MegabytesPerSecond > 0);
        Assert.Equal(r.Accepted / r.Batch, r.Batches.Count);
        Assert.True(r.Batches.P50Ms > 0 && r.Batches.P50Ms <= r.Batches.P99Ms && r.Batches.P99Ms <= r.Batches.MaxMs);
        // The server's detection pipeline decides the items; the report gives measured latencies, never invented ones.
        Assert.StartsWith("pipeline running: ", r.PipelineStatus, StringComparison.Ordinal);
        Assert.NotNull(r.Decisions);
        Assert.True(r.Decisions!.Count > 0 && r.Decisions.P50Ms > 0 && r.Decisions.P50Ms <= r.Decisions.P99Ms && r.Decisions.P99Ms <= r.Decisions.MaxMs);
        Assert.InRange(r.Backlog ?? -1, 0, r.Accepted);
        Assert.True(r.Intervals.Count >= 2);
        Assert.Equal(r.Accepted, r.Intervals[^1].Accepted);
        Assert.True(r.WorkingSet.MaxMb >= r.WorkingSet.FirstMb && r.WorkingSet.FirstMb > 0 && r.GcHeap.MaxMb > 0);
        Assert.True(r.CpuSeconds > 0 && r.GeneratorCpuSeconds > 0 && r.GeneratorShareOfProcessCpu is > 0 and < 1);
        Assert.Contains("accept->decision p50 ", IngestBench.Format(r), StringComparison.Ordinal);
        Assert.Contains(" ev/s ", progress.ToString(), StringComparison.Ordinal);
        // The machine's CPU (every process) bounds a node: measured from /proc/stat, which this Linux machine has.
        Assert.Equal(r.Decided, long.Parse(r.PipelineStatus.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(r.MachineCpuPercent ?? -1, 0.1, 100);
        Assert.True(r.MachineCpuMsPerEvent > 0);
        Assert.Equal(r.Cores * 1000 / r.MachineCpuMsPerEvent!.Value, r.CeilingEventsPerSecond!.Value, 6);
        Assert.Contains("events/s with every core busy", IngestBench.Format(r), StringComparison.Ordinal);
        Assert.All(r.Intervals, i => Assert.InRange(i.MachineCpuPercent ?? -1, 0, 100));
        Assert.Equal(r.Decided, r.Intervals.Sum(i => i.Decided));
        // The second half's figure exists when that half decided anything (a loaded machine may still be warming up).
        Assert.Equal(r.Intervals.Skip(r.Intervals.Count / 2).Sum(i => i.Decided) > 0, r.SteadyMachineCpuMsPerEvent > 0);
    }

    [Fact]
    public void Machine_cpu_counts_user_system_and_interrupt_time_as_busy_and_idle_iowait_and_steal_as_not()
    {
        var earlier = MachineCpu.Parse("cpu  1000 10 500 8000 100 5 15 20 0 0");
        var later = MachineCpu.Parse("cpu  1600 10 700 8900 200 5 35 120 0 0");

        Assert.Equal(new CpuCounters(1530, 9650), earlier);
        // Busy grew by 600 + 200 + 20 = 820 of 820 + 900 idle + 100 iowait + 100 steal = 1920 ticks.
        Assert.Equal(820.0 / 1920, later.BusyFractionSince(earlier), 9);
        Assert.Equal(0, earlier.BusyFractionSince(later));
    }

    [Theory]
    [InlineData("cpu0 1 2 3 4 5 6 7 8", "not the aggregate cpu line")]
    [InlineData("cpu  1 2 3", "not the aggregate cpu line")]
    [InlineData("cpu  1 2 x 4 5 6 7 8", "counter 3 of the cpu line is not a number: 'x'")]
    [InlineData("cpu  1 2 -3 4 5 6 7 8", "counter 3 of the cpu line is not a number: '-3'")]
    public void A_cpu_line_that_is_not_proc_stats_aggregate_is_refused_with_the_reason(string line, string reason)
    {
        var e = Assert.Throws<FormatException>(() => MachineCpu.Parse(line));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void This_linux_machine_s_cpu_counters_are_read()
    {
        var now = MachineCpu.Read();
        Assert.NotNull(now);
        Assert.True(now.Value.Total > now.Value.Busy && now.Value.Busy > 0);
    }

    [Fact]
    public async Task Ingest_only_mode_does_not_sample_decisions()
    {
        var r = await IngestBench.RunAsync(new IngestBenchOptions
        {
            Duration = TimeSpan.FromSeconds(1),
            Clients = 1,
            Batch = 10,
            ImagePool = 2,
            IngestOnly = true,
            SeedBanks = false,
            ReportEvery = TimeSpan.FromSeconds(0.5),
        }, null, CancellationToken.None);
        Assert.True(r.Accepted > 0);
        Assert.Equal(IngestBenchReport.IngestOnlyStatus, r.PipelineStatus);
        Assert.Null(r.Backlog);
        Assert.All(r.Intervals, i => Assert.Null(i.Decisions));
    }

    [Fact]
    public async Task A_non_empty_postgres_database_is_refused()
    {
        await using var test = await TestStore.CreateAsync("postgres");
        await using (await test.Store.OpenAsync(CancellationToken.None))
        {
            // Migrated: it now has Vigil's tables.
        }
        var e = await Assert.ThrowsAsync<IngestBenchException>(() => IngestBench.RunAsync(
            new IngestBenchOptions { Postgres = test.Store.PostgresConnectionString, Duration = TimeSpan.FromSeconds(1) }, null, CancellationToken.None));
        Assert.Contains("is not empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("--reset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_are_refused_by_the_command_with_one_line()
    {
        using var cli = new CliRunner();
        var (exit, _, error) = await cli.RunAsync("bench", "ingest", "--batch", "5000");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: --batch must be 1 to 1000", error.Trim(), StringComparison.Ordinal);
        (exit, _, error) = await cli.RunAsync("bench", "ingest", "--target", "http://127.0.0.1:1");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: --target needs --key", error.Trim(), StringComparison.Ordinal);
    }
}
