using System.Globalization;
using SkiaSharp;
using Vigil.Hashing.Pdq;

namespace Vigil.Hashing.Imaging;

/// <summary>
/// Decodes an encoded image with Skia's codecs straight into the PDQ luma plane of a workspace:
/// dimensions checked before decoding, JPEG scaled decoding, rows streamed where the codec allows
/// (so memory stays at one row plus the 512x512 plane), sides over 512 resampled by nearest
/// neighbour, EXIF orientation applied to the plane. No colour-space conversion, alpha ignored.
/// </summary>
internal static class ImageLumaDecoder
{
    /// <summary>
    /// Scaled JPEG decoding picks the smallest size whose sides stay at least this long (or the
    /// original length). PDQ keeps only the 16 lowest frequencies of a 64x64 image, so 256 pixels a
    /// side leaves wide headroom; on the shared vectors it hashes as close to the reference as 512
    /// does (see docs/pdq.md) and skips a third of the decode work.
    /// </summary>
    internal const int ScaledDecodeMinSide = 256;

    public static (int Width, int Height) DecodeFile(string path, PdqWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length;
        try
        {
            length = new FileInfo(path).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ImageDecodeException(path, ImageDecodeError.Unreadable, "cannot be read: " + e.Message, e);
        }
        if (length == 0)
        {
            throw new ImageDecodeException(path, ImageDecodeError.Empty, "zero bytes, not an image");
        }
        using var data = SKData.Create(path)
            ?? throw new ImageDecodeException(path, ImageDecodeError.Unreadable, "cannot be read");
        return Decode(data, path, workspace);
    }

    public static unsafe (int Width, int Height) DecodeBytes(ReadOnlySpan<byte> encoded, string? name, PdqWorkspace workspace)
    {
        var source = name ?? "image";
        if (encoded.IsEmpty)
        {
            throw new ImageDecodeException(source, ImageDecodeError.Empty, "zero bytes, not an image");
        }
        fixed (byte* p = encoded)
        {
            // Wraps the caller's bytes without a copy; the codec is disposed before the pin ends.
            using var data = SKData.Create((IntPtr)p, encoded.Length);
            return Decode(data, source, workspace);
        }
    }

    /// <summary>Full-size 8-bit RGBA of a file (no orientation, no colour conversion): the input of the hash-only benchmark.</summary>
    public static (byte[] Rgba, int Width, int Height) DecodeRgba(string path)
    {
        using var codec = SKCodec.Create(path)
            ?? throw new ImageDecodeException(path, ImageDecodeError.NotAnImage, "not an image (no decoder recognises the format)");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.BytesSize];
        var result = codec.GetPixels(info, pixels);
        if (result != SKCodecResult.Success)
        {
            throw new ImageDecodeException(path, result == SKCodecResult.IncompleteInput ? ImageDecodeError.Truncated : ImageDecodeError.Corrupt, "cannot be decoded: " + Describe(result));
        }
        return (pixels, info.Width, info.Height);
    }

    private static (int Width, int Height) Decode(SKData data, string source, PdqWorkspace workspace)
    {
        try
        {
            using var codec = SKCodec.Create(data)
                ?? throw new ImageDecodeException(source, ImageDecodeError.NotAnImage, "not an image (no decoder recognises the format)");
            return Decode(codec, source, workspace);
        }
        catch (ImageDecodeException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ImageDecodeException(source, ImageDecodeError.Corrupt, "cannot be decoded: " + e.Message, e);
        }
    }

    private static unsafe (int Width, int Height) Decode(SKCodec codec, string source, PdqWorkspace workspace)
    {
        var info = codec.Info;
        var (width, height) = (info.Width, info.Height);
        if (width <= 0 || height <= 0)
        {
            throw new ImageDecodeException(source, ImageDecodeError.Corrupt, $"declares {width}x{height} pixels");
        }
        if (width > ImageLimits.MaxSide || height > ImageLimits.MaxSide || (long)width * height > ImageLimits.MaxPixels)
        {
            throw new ImageDecodeException(source, ImageDecodeError.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"declares {width}x{height} pixels, over the cap of {ImageLimits.MaxSide} px a side and {ImageLimits.MaxPixels / 1_000_000} megapixels"));
        }
        var frames = codec.FrameCount;
        if (frames > 1)
        {
            throw new ImageDecodeException(source, ImageDecodeError.Animated, string.Create(CultureInfo.InvariantCulture,
                $"animated image with {frames} frames; hash its frames as video instead"));
        }

        var (dw, dh) = DecodeSize(codec, width, height);
        var grey = info.ColorType == SKColorType.Gray8;
        var bpp = grey ? 1 : 4;
        // No colour space: Skia then converts nothing, so a PNG gives exactly its stored samples.
        var target = new SKImageInfo(dw, dh, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, grey ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var rowBytes = dw * bpp;
        var tw = Math.Min(dw, PdqWorkspace.PreResizeSide);
        var th = Math.Min(dh, PdqWorkspace.PreResizeSide);
        var luma = workspace.LumaBuffer(tw * th);
        var map = workspace.ColumnMap[..tw];
        for (var x = 0; x < tw; x++)
        {
            map[x] = PdqAlgorithm.SampleIndex(x, dw, tw) * bpp;
        }

        if (codec.StartScanlineDecode(target) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
        {
            var row = workspace.PixelBuffer(rowBytes);
            fixed (byte* pr = row)
            {
                var next = 0;
                for (var y = 0; y < th; y++)
                {
                    var sy = PdqAlgorithm.SampleIndex(y, dh, th);
                    if (sy > next && !codec.SkipScanlines(sy - next))
                    {
                        ThrowTruncated(source);
                    }
                    if (codec.GetScanlines((IntPtr)pr, 1, rowBytes) != 1)
                    {
                        ThrowTruncated(source);
                    }
                    next = sy + 1;
                    LumaRow(row, bpp, dw == tw, map, luma.Slice(y * tw, tw));
                }
                // Read to the end so a file cut short after the last sampled row is still refused.
                if (next < dh && !codec.SkipScanlines(dh - next))
                {
                    ThrowTruncated(source);
                }
            }
        }
        else
        {
            var pixels = workspace.PixelBuffer(rowBytes * dh);
            SKCodecResult result;
            fixed (byte* pp = pixels)
            {
                result = codec.GetPixels(target, (IntPtr)pp, rowBytes, default);
            }
            switch (result)
            {
                case SKCodecResult.Success:
                    break;
                case SKCodecResult.IncompleteInput:
                    ThrowTruncated(source);
                    break;
                default:
                    throw new ImageDecodeException(source, ImageDecodeError.Corrupt, "cannot be decoded: " + Describe(result));
            }
            for (var y = 0; y < th; y++)
            {
                LumaRow(pixels.Slice(PdqAlgorithm.SampleIndex(y, dh, th) * rowBytes, rowBytes), bpp, dw == tw, map, luma.Slice(y * tw, tw));
            }
        }

        return Orient(codec.EncodedOrigin, workspace, tw, th);
    }

    /// <summary>
    /// The smallest JPEG (or WebP) scaled-decode size that keeps every side at least
    /// <see cref="ScaledDecodeMinSide"/> long; other codecs only decode at full size.
    /// </summary>
    private static (int Width, int Height) DecodeSize(SKCodec codec, int width, int height)
    {
        if (width <= PdqWorkspace.PreResizeSide && height <= PdqWorkspace.PreResizeSide)
        {
            return (width, height);
        }
        var needW = Math.Min(width, ScaledDecodeMinSide);
        var needH = Math.Min(height, ScaledDecodeMinSide);
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var size = codec.GetScaledDimensions(eighths / 8f);
            if (size.Width >= needW && size.Height >= needH && size.Width <= width && size.Height <= height)
            {
                return (size.Width, size.Height);
            }
        }
        return (width, height);
    }

    private static void LumaRow(ReadOnlySpan<byte> row, int bpp, bool direct, ReadOnlySpan<int> map, Span<float> dst)
    {
        if (direct)
        {
            PdqAlgorithm.LumaRow(row, bpp, dst);
        }
        else
        {
            PdqAlgorithm.LumaRowSampled(row, bpp, map, dst);
        }
    }

    /// <summary>Turns the stored plane into the displayed one, as the EXIF orientation says.</summary>
    internal static (int Width, int Height) Orient(SKEncodedOrigin origin, PdqWorkspace workspace, int w, int h)
    {
        if (origin is SKEncodedOrigin.TopLeft || (int)origin < 1 || (int)origin > 8)
        {
            return (w, h);
        }
        var n = w * h;
        var src = workspace.LumaBuffer(n);
        var dst = workspace.ScratchBuffer(n);
        var swap = (int)origin >= 5;
        var (ow, oh) = swap ? (h, w) : (w, h);
        for (var r = 0; r < oh; r++)
        {
            for (var c = 0; c < ow; c++)
            {
                // (sr, sc) = stored pixel shown at displayed row r, column c.
                var (sr, sc) = origin switch
                {
                    SKEncodedOrigin.TopRight => (r, w - 1 - c),
                    SKEncodedOrigin.BottomRight => (h - 1 - r, w - 1 - c),
                    SKEncodedOrigin.BottomLeft => (h - 1 - r, c),
                    SKEncodedOrigin.LeftTop => (c, r),
                    SKEncodedOrigin.RightTop => (h - 1 - c, r),
                    SKEncodedOrigin.RightBottom => (h - 1 - c, w - 1 - r),
                    _ => (c, w - 1 - r), // LeftBottom
                };
                dst[(r * ow) + c] = src[(sr * w) + sc];
            }
        }
        dst.CopyTo(src);
        return (ow, oh);
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.ErrorInInput => "corrupt data",
        SKCodecResult.InvalidInput => "invalid data",
        SKCodecResult.InvalidConversion => "no conversion to 8-bit RGBA",
        SKCodecResult.Unimplemented => "a feature the decoder does not support",
        _ => result.ToString(),
    };

    private static void ThrowTruncated(string source) =>
        throw new ImageDecodeException(source, ImageDecodeError.Truncated, "truncated: the data ends before the image does");
}
