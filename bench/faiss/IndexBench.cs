#:project ../../src/Vigil.Hashing/Vigil.Hashing.csproj
#:property OutputType=Exe
#:property Optimize=true
#:property TieredPGO=true

// The C# side of compare.sh: generates the data set (or writes it for FAISS) and runs the index benchmark.
// Usage: dotnet run -c Release bench/faiss/IndexBench.cs -- COUNT QUERIES RADIUS SEED [DATA_DIR]
// With DATA_DIR, the haystack and queries are written there as raw 32-byte records first.
using System.Globalization;
using Vigil.Hashing.Index;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: IndexBench.cs COUNT QUERIES RADIUS SEED [DATA_DIR]");
    return 2;
}
var count = int.Parse(args[0], CultureInfo.InvariantCulture);
var queries = int.Parse(args[1], CultureInfo.InvariantCulture);
var radius = int.Parse(args[2], CultureInfo.InvariantCulture);
var seed = int.Parse(args[3], CultureInfo.InvariantCulture);
var data = IndexBenchmarkDataset.Generate(count, queries, radius, seed);
if (args.Length > 4)
{
    data.Write(args[4]);
    Console.WriteLine($"wrote {args[4]}/haystack.bin and queries.bin");
}
var report = IndexBenchmark.Run(data, radius, Console.Out);
Console.WriteLine("RESULT " + report.ToKeyValues());
return report.Exact ? 0 : 1;
