using SkiaSharp;

namespace Vigil.Demo;

/// <summary>
/// Generated stand-ins for propaganda posters and ordinary photos (seeded, so every run is the same),
/// and the alterations people make when they re-post: crop, rescale, recompress, colour shift,
/// text overlay, rotation, mirror.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5394", Justification = "Seeded generation of demo images, not security.")]
internal static class DemoImages
{
    public static SKBitmap Poster(int seed, int width = 640, int height = 480)
    {
        var rng = new Random(seed);
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        using var background = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(width, height),
                [RandomColour(rng), RandomColour(rng), RandomColour(rng)], null, SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, background);
        // Soft edges, as in a photographed or re-encoded poster; hard synthetic edges would make
        // every small crop look like a different image.
        using var paint = new SKPaint { IsAntialias = true, ImageFilter = SKImageFilter.CreateBlur(6, 6) };
        for (var i = 0; i < 10; i++)
        {
            paint.Color = RandomColour(rng).WithAlpha((byte)rng.Next(140, 255));
            var x = rng.Next(width);
            var y = rng.Next(height);
            switch (rng.Next(3))
            {
                case 0: canvas.DrawCircle(x, y, rng.Next(20, 120), paint); break;
                case 1: canvas.DrawRect(x, y, rng.Next(30, 260), rng.Next(30, 200), paint); break;
                default:
                    paint.StrokeWidth = rng.Next(10, 30);
                    canvas.DrawLine(x, y, rng.Next(width), rng.Next(height), paint);
                    break;
            }
        }
        // A "slogan" band of block glyphs: posters carry text, and text is high-contrast detail.
        paint.Color = SKColors.White;
        paint.ImageFilter = SKImageFilter.CreateBlur(1.5f, 1.5f);
        var top = rng.Next(height / 8, height * 3 / 4);
        for (var gx = 30; gx < width - 40; gx += rng.Next(18, 30))
        {
            canvas.DrawRect(gx, top, rng.Next(8, 16), rng.Next(20, 40), paint);
        }
        return bitmap;
    }

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 90)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    public static byte[] Png(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static SKBitmap Crop(SKBitmap source, double fractionPerSide)
    {
        var dx = (int)(source.Width * fractionPerSide);
        var dy = (int)(source.Height * fractionPerSide);
        return Draw(source.Width - (2 * dx), source.Height - (2 * dy), c => DrawAt(c, source, -dx, -dy));
    }

    public static SKBitmap Rescale(SKBitmap source, double factor)
    {
        var w = (int)(source.Width * factor);
        var h = (int)(source.Height * factor);
        return Draw(w, h, c =>
        {
            using var image = SKImage.FromBitmap(source);
            c.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        });
    }

    public static SKBitmap ColourShift(SKBitmap source) => Draw(source.Width, source.Height, c =>
    {
        // Warmer, brighter, a little washed out: what a filter app does (Skia's offsets are in 0..1).
        float[] matrix =
        [
            1.08f, 0.04f, 0.00f, 0, 0.06f,
            0.00f, 1.00f, 0.04f, 0, 0.03f,
            0.04f, 0.00f, 0.90f, 0, -0.03f,
            0, 0, 0, 1, 0,
        ];
        using var paint = new SKPaint { ColorFilter = SKColorFilter.CreateColorMatrix(matrix) };
        DrawAt(c, source, 0, 0, paint);
    });

    public static SKBitmap TextOverlay(SKBitmap source) => Draw(source.Width, source.Height, c =>
    {
        DrawAt(c, source, 0, 0);
        using var band = new SKPaint { Color = new SKColor(0, 0, 0, 120) };
        var h = source.Height / 16f;
        c.DrawRect(0, source.Height - h, source.Width * 0.6f, h, band);
        using var ink = new SKPaint { Color = SKColors.Yellow, IsAntialias = true };
        using var font = new SKFont(SKTypeface.Default, h * 0.6f);
        c.DrawText("re-posted @channel_name", 10, source.Height - (h * 0.3f), SKTextAlign.Left, font, ink);
        // Without a font on the machine nothing is drawn above; a caption-like strip is drawn anyway.
        for (var x = 12f; x < source.Width * 0.55f; x += 14)
        {
            c.DrawRect(x, source.Height - (h * 0.7f), 6, h * 0.4f, ink);
        }
    });

    public static SKBitmap Rotate90(SKBitmap source) => Draw(source.Height, source.Width, c =>
    {
        c.Translate(source.Height, 0);
        c.RotateDegrees(90);
        DrawAt(c, source, 0, 0);
    });

    public static SKBitmap Mirror(SKBitmap source) => Draw(source.Width, source.Height, c =>
    {
        c.Scale(-1, 1, source.Width / 2f, 0);
        DrawAt(c, source, 0, 0);
    });

    public static SKBitmap Decode(byte[] encoded) =>
        SKBitmap.Decode(encoded) ?? throw new InvalidOperationException("generated image failed to decode");

    private static SKBitmap Draw(int width, int height, Action<SKCanvas> draw)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Black);
        draw(canvas);
        return bitmap;
    }

    private static void DrawAt(SKCanvas canvas, SKBitmap bitmap, float x, float y, SKPaint? paint = null)
    {
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, x, y, new SKSamplingOptions(SKFilterMode.Linear), paint);
    }

    private static SKColor RandomColour(Random rng) => new((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256));
}
