using System.Diagnostics;
using Vigil.Hashing.Imaging;

namespace Vigil.Hashing.Pdq;

/// <summary>Images per second on one thread, for both ways of hashing.</summary>
/// <param name="DecodeAndHashPerSecond">From encoded file bytes (already in memory) to hash.</param>
/// <param name="HashOnlyPerSecond">From decoded full-size RGBA pixels to hash, the 512 pre-resize included.</param>
/// <param name="Images">How many distinct images were cycled through.</param>
public readonly record struct PdqThroughputResult(double DecodeAndHashPerSecond, double HashOnlyPerSecond, int Images);

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

        var decodeRate = Run(duration, i => workspace.HashImage(encoded[i % encoded.Length]));
        var hashRate = Run(duration, i =>
        {
            var d = decoded[i % decoded.Length];
            workspace.HashRgb(d.Rgba, d.Width, d.Height, 4, d.Width * 4);
        });
        return new PdqThroughputResult(decodeRate, hashRate, files.Count);
    }

    private static double Run(TimeSpan duration, Action<int> hashOne)
    {
        var clock = Stopwatch.StartNew();
        var count = 0;
        while (clock.Elapsed < duration)
        {
            hashOne(count);
            count++;
        }
        return count / clock.Elapsed.TotalSeconds;
    }
}
