using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Vigil.Hashing.Tests.Imaging;

/// <summary>Builds test images in code: synthetic pixels, PNG files of every colour type, GIFs, EXIF-tagged JPEGs.</summary>
internal static class TestImages
{
    /// <summary>Deterministic RGB pixels with strong low-frequency structure (smooth waves plus blocks), so PDQ quality is high.</summary>
    public static byte[] SyntheticRgb(int width, int height, int seed)
    {
        var random = new Random(seed);
        var waves = new (double Fx, double Fy, double Phase, double Amp, int Channel)[6];
        for (var k = 0; k < waves.Length; k++)
        {
            waves[k] = (random.NextDouble() * 6, random.NextDouble() * 6, random.NextDouble() * Math.PI * 2, 30 + (random.NextDouble() * 40), k % 3);
        }
        var blocks = new (int X, int Y, int W, int H, int Value)[4];
        for (var k = 0; k < blocks.Length; k++)
        {
            blocks[k] = (random.Next(width), random.Next(height), 1 + random.Next(Math.Max(1, width / 3)), 1 + random.Next(Math.Max(1, height / 3)), random.Next(-80, 80));
        }
        // sin(a + b) = sin a cos b + cos a sin b, with the x and y parts tabulated once.
        var sx = new double[waves.Length, width];
        var cx = new double[waves.Length, width];
        var sy = new double[waves.Length, height];
        var cy = new double[waves.Length, height];
        for (var k = 0; k < waves.Length; k++)
        {
            for (var x = 0; x < width; x++)
            {
                sx[k, x] = Math.Sin(waves[k].Fx * x * Math.PI / width);
                cx[k, x] = Math.Cos(waves[k].Fx * x * Math.PI / width);
            }
            for (var y = 0; y < height; y++)
            {
                sy[k, y] = Math.Sin((waves[k].Fy * y * Math.PI / height) + waves[k].Phase);
                cy[k, y] = Math.Cos((waves[k].Fy * y * Math.PI / height) + waves[k].Phase);
            }
        }
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var v = 128.0;
                    for (var k = 0; k < waves.Length; k++)
                    {
                        var w = waves[k];
                        v += (w.Channel == c ? w.Amp : w.Amp / 3) * ((sx[k, x] * cy[k, y]) + (cx[k, x] * sy[k, y]));
                    }
                    foreach (var b in blocks)
                    {
                        if (x >= b.X && x < b.X + b.W && y >= b.Y && y < b.Y + b.H)
                        {
                            v += b.Value;
                        }
                    }
                    pixels[(((y * width) + x) * 3) + c] = (byte)Math.Clamp((int)v, 0, 255);
                }
            }
        }
        return pixels;
    }

    /// <summary>Grey from RGB by taking the green channel (any deterministic grey image will do).</summary>
    public static byte[] GreyFrom(byte[] rgb)
    {
        var grey = new byte[rgb.Length / 3];
        for (var i = 0; i < grey.Length; i++)
        {
            grey[i] = rgb[(i * 3) + 1];
        }
        return grey;
    }

    /// <summary>RGB to RGBA with the given alpha pattern.</summary>
    public static byte[] WithAlpha(byte[] rgb, Func<int, byte> alpha)
    {
        var n = rgb.Length / 3;
        var rgba = new byte[n * 4];
        for (var i = 0; i < n; i++)
        {
            rgba[i * 4] = rgb[i * 3];
            rgba[(i * 4) + 1] = rgb[(i * 3) + 1];
            rgba[(i * 4) + 2] = rgb[(i * 3) + 2];
            rgba[(i * 4) + 3] = alpha(i);
        }
        return rgba;
    }

    /// <summary>
    /// A PNG with the given IHDR and raw sample rows (filter type 0 on every row). <paramref name="samples"/>
    /// is the unfiltered scanline data, height rows of (width * channels * bitDepth / 8) bytes.
    /// </summary>
    public static byte[] Png(int width, int height, byte bitDepth, byte colorType, ReadOnlySpan<byte> samples, byte[]? palette = null)
    {
        var rowBytes = samples.Length / Math.Max(1, height);
        using var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            raw.Write(samples.Slice(y * rowBytes, rowBytes));
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw.GetBuffer(), 0, (int)raw.Length);
        }
        return PngFromChunks(width, height, bitDepth, colorType, compressed.ToArray(), palette);
    }

    /// <summary>A PNG whose IHDR declares any size, with a token IDAT: for the size cap.</summary>
    public static byte[] PngHeaderOnly(int width, int height) =>
        PngFromChunks(width, height, 8, 2, [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01], null);

    /// <summary>An Adam7-interlaced 8-bit RGB PNG: seven sub-images, each row with filter type 0.</summary>
    public static byte[] InterlacedRgbPng(int width, int height, ReadOnlySpan<byte> rgb)
    {
        (int X0, int Y0, int Dx, int Dy)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        using var raw = new MemoryStream();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            if (x0 >= width || y0 >= height)
            {
                continue; // an empty pass has no rows at all
            }
            for (var y = y0; y < height; y += dy)
            {
                raw.WriteByte(0);
                for (var x = x0; x < width; x += dx)
                {
                    raw.Write(rgb.Slice(((y * width) + x) * 3, 3));
                }
            }
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(raw.GetBuffer(), 0, (int)raw.Length);
        }
        return PngFromChunks(width, height, 8, 2, compressed.ToArray(), null, interlaced: true);
    }

    private static byte[] PngFromChunks(int width, int height, byte bitDepth, byte colorType, byte[] idat, byte[]? palette, bool interlaced = false)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        WriteChunk(png, "IHDR", ihdr);
        if (palette is not null)
        {
            WriteChunk(png, "PLTE", palette);
        }
        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));
        s.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typeAndData));
        s.Write(four);
    }

    private static readonly uint[] s_crcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[n] = c;
        }
        return table;
    }

    /// <summary>The CRC-32 PNG chunks carry (ISO 3309, reflected, init and final xor 0xFFFFFFFF).</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c = s_crcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        }
        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>A hand-made GIF89a of 1x1 frames (black, then white, ...), looping.</summary>
    public static byte[] Gif(int frames)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write([0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00]); // 1x1 screen, 2-colour global table
        gif.Write([0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF]);
        gif.Write([0x21, 0xFF, 0x0B]);
        gif.Write("NETSCAPE2.0"u8);
        gif.Write([0x03, 0x01, 0x00, 0x00, 0x00]);
        for (var f = 0; f < frames; f++)
        {
            gif.Write([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]); // 100 ms delay
            gif.Write([0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
            // LZW, minimum code size 2: clear (4), colour index, end (5) in 3-bit codes.
            gif.Write([0x02, 0x02, (byte)(f % 2 == 0 ? 0x44 : 0x4C), 0x01, 0x00]);
        }
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>Encodes RGB pixels as a JPEG with Skia.</summary>
    public static byte[] Jpeg(byte[] rgb, int width, int height, int quality = 95)
    {
        var rgba = WithAlpha(rgb, _ => 255);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>Inserts an APP1 EXIF segment holding only an orientation tag right after the JPEG's SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 0x22, // APP1, length 34
            0x45, 0x78, 0x69, 0x66, 0x00, 0x00, // "Exif\0\0"
            0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD at 8
            0x00, 0x01, // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00, // Orientation, SHORT, 1
            0x00, 0x00, 0x00, 0x00, // no next IFD
        ];
        return [.. jpeg.AsSpan(0, 2), .. app1, .. jpeg.AsSpan(2)];
    }

    /// <summary>Decodes an image to RGBA (unpremultiplied, no colour conversion, no orientation) the way the hasher does.</summary>
    public static (byte[] Rgba, int Width, int Height) DecodeRgba(byte[] encoded)
    {
        using var codec = SKCodec.Create(new MemoryStream(encoded)) ?? throw new InvalidOperationException("not decodable");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[info.Width * info.Height * 4];
        var result = codec.GetPixels(info, pixels);
        if (result != SKCodecResult.Success)
        {
            throw new InvalidOperationException(result.ToString());
        }
        return (pixels, info.Width, info.Height);
    }

    /// <summary>The displayed image for an EXIF orientation (1..8), applied to interleaved pixels.</summary>
    public static (byte[] Pixels, int Width, int Height) Orient(byte[] pixels, int w, int h, int bpp, int orientation)
    {
        var swap = orientation >= 5;
        var (ow, oh) = swap ? (h, w) : (w, h);
        var result = new byte[pixels.Length];
        for (var r = 0; r < oh; r++)
        {
            for (var c = 0; c < ow; c++)
            {
                var (sr, sc) = orientation switch
                {
                    1 => (r, c),
                    2 => (r, w - 1 - c),
                    3 => (h - 1 - r, w - 1 - c),
                    4 => (h - 1 - r, c),
                    5 => (c, r),
                    6 => (h - 1 - c, r),
                    7 => (h - 1 - c, w - 1 - r),
                    _ => (c, w - 1 - r),
                };
                pixels.AsSpan(((sr * w) + sc) * bpp, bpp).CopyTo(result.AsSpan(((r * ow) + c) * bpp));
            }
        }
        return (result, ow, oh);
    }

    /// <summary>A 24-bit BMP (bottom-up rows, BGR, rows padded to 4 bytes).</summary>
    public static byte[] Bmp(byte[] rgb, int width, int height)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var size = 54 + (rowBytes * height);
        var bmp = new byte[size];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), rowBytes * height);
        for (var y = 0; y < height; y++)
        {
            var dst = 54 + ((height - 1 - y) * rowBytes);
            for (var x = 0; x < width; x++)
            {
                var src = ((y * width) + x) * 3;
                bmp[dst + (x * 3)] = rgb[src + 2];
                bmp[dst + (x * 3) + 1] = rgb[src + 1];
                bmp[dst + (x * 3) + 2] = rgb[src];
            }
        }
        return bmp;
    }

    /// <summary>Lossless WebP encoded by Skia.</summary>
    public static byte[] LosslessWebp(byte[] rgb, int width, int height)
    {
        var rgba = WithAlpha(rgb, _ => 255);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, rgba);
        using var pixmap = image.PeekPixels();
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
            ?? throw new InvalidOperationException("WebP encoding failed");
        return data.ToArray();
    }
}
