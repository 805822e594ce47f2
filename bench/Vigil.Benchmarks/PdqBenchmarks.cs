using BenchmarkDotNet.Attributes;
using Vigil.Hashing.Imaging;
using Vigil.Hashing.Pdq;

namespace Vigil.Benchmarks;

/// <summary>
/// PDQ on the shared JPEG vectors: (a) decode and hash from the encoded bytes, (b) hash only from
/// decoded full-size RGBA, the 512 pre-resize included. One thread, one reused workspace.
/// Run: dotnet run -c Release --project bench/Vigil.Benchmarks -- --filter '*PdqBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class PdqBenchmarks
{
    private readonly PdqWorkspace _workspace = new();
    private byte[] _encoded = [];
    private byte[] _rgba = [];
    private int _width;
    private int _height;

    public static IEnumerable<string> Files() =>
        Directory.GetFiles(Path.Combine(PdqVectors.Root, "files"), "*.jpg").Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal)!;

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(PdqVectors.Root, "files", File);
        _encoded = System.IO.File.ReadAllBytes(path);
        (_rgba, _width, _height) = ImageLumaDecoder.DecodeRgba(path);
    }

    [Benchmark]
    public PdqResult DecodeAndHash() => _workspace.HashImage(_encoded);

    [Benchmark]
    public PdqResult HashOnly() => _workspace.HashRgb(_rgba, _width, _height, 4, _width * 4);
}

/// <summary>The shared PDQ vectors: ../shared/vectors/pdq from the repository root (the folder holding Vigil.slnx).</summary>
internal static class PdqVectors
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }
        return dir is null
            ? throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory)
            : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors", "pdq"));
    }
}
