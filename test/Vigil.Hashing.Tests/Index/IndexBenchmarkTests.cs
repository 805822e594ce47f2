using Vigil.Hashing.Index;

namespace Vigil.Hashing.Tests.Index;

public class IndexBenchmarkTests
{
    [Fact]
    public void Run_OnASmallDataSet_ReportsExactResultsAndPositiveFigures()
    {
        var log = new StringWriter();
        var report = IndexBenchmark.Run(20_000, 50, 31, 3, log);
        Assert.True(report.Exact, log.ToString());
        Assert.Equal(1.0, report.Recall);
        Assert.Equal(report.ExpectedMatches, report.Matches);
        // Every query has planted neighbours at 0, 5, 11, 16, 22 and 27 bits (unless overwritten).
        Assert.True(report.ExpectedMatches >= 50 * 5, $"{report.ExpectedMatches} matches");
        Assert.True(report.SingleLookupsPerSecond > 0 && report.BatchLookupsPerSecond > 0);
        Assert.True(report.MemoryBytes > 20_000 * 32);
        Assert.Contains("identical result sets", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("exact=yes", report.ToKeyValues(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_IsDeterministic_AndRoundTripsThroughRawFiles()
    {
        var a = IndexBenchmarkDataset.Generate(1000, 10, 31, 11);
        var b = IndexBenchmarkDataset.Generate(1000, 10, 31, 11);
        Assert.Equal(a.Haystack, b.Haystack);
        Assert.Equal(a.Queries, b.Queries);
        var dir = Path.Combine(Path.GetTempPath(), $"vigil-index-data-{Guid.NewGuid():N}");
        try
        {
            a.Write(dir);
            Assert.Equal(a.Haystack, HashFile.ReadRaw(Path.Combine(dir, "haystack.bin")));
            Assert.Equal(a.Queries, HashFile.ReadRaw(Path.Combine(dir, "queries.bin")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
