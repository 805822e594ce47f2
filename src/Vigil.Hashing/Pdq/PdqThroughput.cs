using System.Diagnostics;
using Vigil.Hashing.Imaging;

namespace Vigil.Hashing.Pdq;

/// <summary>Images per second on one thread, for both ways of hashing.</summary>
/// <param name="DecodeAndHashPerSecond">From encoded bytes (already in memory) to hash, per wall-clock second.</param>
/// <param name="HashOnlyPerSecond">From decoded full-size RGBA pixels to hash (512 pre-resize included), per wall-clock second.</param>
/// <param name="DecodeAndHashPerCpuSecond">The same per second of this process's CPU time: the single-core figure on a busy machine.</param>
/// <param name="HashOnlyPerCpuSecond">Hash-only per second of this process's CPU time.</param>
/// <param name="Images">How many distinct images were cycled through.</param>
public readonly record struct PdqThroughputResult(
    double DecodeAndHashPerSecond,
    double HashOnlyPerSecond,
    double DecodeAndHashPerCpuSecond,
    double HashOnlyPerCpuSecond,
    int Images);

/// <summary>A self-contained throughput measurement for <c>vigil bench hash</c>.</summary>
public static class PdqThroughput
{
    /// <summary>
    /// Hashes <paramref name="files"/> round-robin on the calling thread for <paramref name="duration"/>
    /// per mode (after one warm-up pass) and returns images per second. Files are read and, for the
    /// hash-only mode, decoded before timing starts.
    /// </summary>
    /// <exception cref="ImageDecodeException">One of the files is not an acceptable image.</exception>
    public static PdqThroughputResult Measure(IReadOnlyList<string> files, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentOutOfRangeException.ThrowIfZero(files.Count);
        var encoded = files.Select(File.ReadAllBytes).ToArray();
        var decoded = files.Select(ImageLumaDecoder.DecodeRgba).ToArray();
        var workspace = new PdqWorkspace();
        for (var i = 0; i < encoded.Length; i++)
        {
            workspace.HashImage(encoded[i], files[i]);
            workspace.HashRgb(decoded[i].Rgba, decoded[i].Width, decoded[i].Height, 4, decoded[i].Width * 4);
        }

        var (decodeWall, decodeCpu) = Run(duration, i => workspace.HashImage(encoded[i % encoded.Length]));
        var (hashWall, hashCpu) = Run(duration, i =>
        {
            var d = decoded[i % decoded.Length];
            workspace.HashRgb(d.Rgba, d.Width, d.Height, 4, d.Width * 4);
        });
        return new PdqThroughputResult(decodeWall, hashWall, decodeCpu, hashCpu, files.Count);
    }

    private static (double Wall, double Cpu) Run(TimeSpan duration, Action<int> hashOne)
    {
        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed < duration)
        {
            hashOne(count);
            count++;
        }
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        return (count / wall, cpu > 0 ? count / cpu : 0);
    }
}
