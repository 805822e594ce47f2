using SkiaSharp;
using Vigil.Hashing;
using Vigil.Hashing.Files;
using Vigil.Hashing.Imaging;
using Vigil.Hashing.Pdq;
using Vigil.Ingest;
using Vigil.Matching;

namespace Vigil.Desk;

/// <summary>Images on the desk: their media type, the blurred greyscale rendering shown before a reveal, and match probes.</summary>
internal static class DeskImages
{
    private static readonly string[] TransformNames = ["original", "rotate 90", "rotate 180", "rotate 270", "flip x", "flip y", "transpose", "anti-transpose"];

    /// <summary>The media type from the file's first bytes; application/octet-stream when unknown.</summary>
    public static string ContentType(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "image/png"
        : b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : b.StartsWith("GIF8"u8) ? "image/gif"
        : b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : b.StartsWith("BM"u8) ? "image/bmp"
        : "application/octet-stream";

    /// <summary>
    /// A heavily blurred, greyscale PNG of the image, rendered on the server so the unblurred pixels never reach the
    /// browser before a logged reveal. Detail is destroyed first by shrinking to at most 24 pixels a side.
    /// </summary>
    public static byte[]? Blurred(byte[] encoded)
    {
        using var source = SKBitmap.Decode(encoded);
        if (source is null || source.Width == 0 || source.Height == 0)
        {
            return null;
        }
        var scale = Math.Min(1.0, 24.0 / Math.Max(source.Width, source.Height));
        int tw = Math.Max(1, (int)(source.Width * scale)), th = Math.Max(1, (int)(source.Height * scale));
        var outScale = Math.Min(1.0, 480.0 / Math.Max(source.Width, source.Height));
        int ow = Math.Max(1, (int)(source.Width * outScale)), oh = Math.Max(1, (int)(source.Height * outScale));
        using var tiny = new SKBitmap(new SKImageInfo(tw, th, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var c = new SKCanvas(tiny))
        using (var img = SKImage.FromBitmap(source))
        {
            c.DrawImage(img, new SKRect(0, 0, tw, th), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        using var output = new SKBitmap(new SKImageInfo(ow, oh, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var c = new SKCanvas(output))
        using (var img = SKImage.FromBitmap(tiny))
        {
            float[] grey =
            [
                0.299f, 0.587f, 0.114f, 0, 0,
                0.299f, 0.587f, 0.114f, 0, 0,
                0.299f, 0.587f, 0.114f, 0, 0,
                0, 0, 0, 1, 0,
            ];
            using var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix(grey), ImageFilter = SKImageFilter.CreateBlur(8, 8) };
            c.Clear(SKColors.Gray);
            c.DrawImage(img, new SKRect(0, 0, ow, oh), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), paint);
        }
        using var image = SKImage.FromBitmap(output);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>The probes <c>vigil match</c> would build for the item: its image bytes (PDQ in eight orientations, MD5, SHA-256) and its text.</summary>
    public static IReadOnlyList<MatchProbe> Probes(IngestItem item)
    {
        var probes = new List<MatchProbe>();
        if (item.Image is { } bytes)
        {
            var notes = new List<string>();
            var pdq = new List<(string, Hash256)>();
            var quality = 0;
            try
            {
                var d = new PdqWorkspace().HashImageDihedral(bytes);
                quality = d.Quality;
                var transforms = Enum.GetValues<PdqTransform>();
                for (var i = 0; i < transforms.Length; i++)
                {
                    pdq.Add((TransformNames[i], d[transforms[i]]));
                }
            }
            catch (ImageDecodeException e)
            {
                notes.Add("no PDQ: " + e.Message);
            }
            using var stream = new MemoryStream(bytes, writable: false);
            var digest = FileDigests.Compute(stream);
            probes.Add(new MatchProbe("image") { Pdq = pdq, PdqQuality = quality, Md5 = digest.Md5Hex, Sha256 = digest.Sha256Hex, Notes = notes });
        }
        if (!string.IsNullOrWhiteSpace(item.Text))
        {
            probes.Add(MatchProbe.FromText("text", item.Text));
        }
        return probes;
    }
}
