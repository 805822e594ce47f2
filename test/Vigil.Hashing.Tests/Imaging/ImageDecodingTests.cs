using Vigil.Hashing.Imaging;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Tests.Pdq;

namespace Vigil.Hashing.Tests.Imaging;

public class ImageDecodingTests
{
    private const int W = 96;
    private const int H = 72;

    private static readonly byte[] s_rgb = TestImages.SyntheticRgb(W, H, seed: 7);

    private static PdqResult HashOfRgb(byte[] rgb, int w = W, int h = H) => PdqHasher.HashRgb(rgb, w, h, 3, w * 3);

    [Fact]
    public void RgbPng_HashesExactlyAsThePixels()
    {
        var png = TestImages.Png(W, H, 8, 2, s_rgb);

        Assert.Equal(HashOfRgb(s_rgb), PdqHasher.HashImage(png));
        Assert.True(HashOfRgb(s_rgb).Quality > 50);
    }

    [Fact]
    public void GreyPng_UsesTheGreyValueAsLuma()
    {
        var grey = TestImages.GreyFrom(s_rgb);
        var png = TestImages.Png(W, H, 8, 0, grey);

        Assert.Equal(PdqHasher.HashRgb(grey, W, H, 1, W), PdqHasher.HashImage(png));
    }

    [Fact]
    public void PalettePng_HashesAsItsExpandedColours()
    {
        // 4-colour palette, index from the green channel's top two bits.
        byte[] palette = [0, 0, 0, 200, 30, 30, 30, 200, 30, 250, 250, 250];
        var indexes = TestImages.GreyFrom(s_rgb).Select(g => (byte)(g >> 6)).ToArray();
        var expanded = indexes.SelectMany(i => palette.AsSpan(i * 3, 3).ToArray()).ToArray();
        var png = TestImages.Png(W, H, 8, 3, indexes, palette);

        Assert.Equal(HashOfRgb(expanded), PdqHasher.HashImage(png));
    }

    [Fact]
    public void GreyAlphaPng_DropsAlpha()
    {
        var grey = TestImages.GreyFrom(s_rgb);
        var samples = grey.SelectMany((g, i) => new[] { g, (byte)(i % 7 * 40) }).ToArray();
        var png = TestImages.Png(W, H, 8, 4, samples);
        var asRgb = grey.SelectMany(g => new[] { g, g, g }).ToArray();

        Assert.Equal(HashOfRgb(asRgb), PdqHasher.HashImage(png));
    }

    [Fact]
    public void RgbaPng_DropsAlphaAsTheReferenceDoes()
    {
        // Alpha down to 0 must not change the hash: the reference hashes the colour channels only.
        var rgba = TestImages.WithAlpha(s_rgb, i => (byte)(i * 37 % 256));
        var png = TestImages.Png(W, H, 8, 6, rgba);

        Assert.Equal(HashOfRgb(s_rgb), PdqHasher.HashImage(png));
        Assert.Equal(HashOfRgb(s_rgb), PdqHasher.HashRgb(rgba, W, H, 4, W * 4));
    }

    [Fact]
    public void SixteenBitPng_HashesAsItsEightBitSamples()
    {
        var samples16 = s_rgb.SelectMany(v => new[] { v, v }).ToArray(); // v * 257, big-endian
        var png = TestImages.Png(W, H, 16, 2, samples16);

        Assert.Equal(HashOfRgb(s_rgb), PdqHasher.HashImage(png));
    }

    [Fact]
    public void PngDeclaringHugeDimensions_IsRefusedBeforeDecoding()
    {
        var png = TestImages.PngHeaderOnly(100_000, 100_000);

        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(png, "huge.png"));

        Assert.Equal(ImageDecodeError.TooLarge, e.Reason);
        Assert.Contains("huge.png", e.Message, StringComparison.Ordinal);
        Assert.Contains("declares 100000x100000 pixels, over the cap", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JpegDeclaringHugeDimensions_IsRefusedBeforeDecoding()
    {
        var jpeg = File.ReadAllBytes(Vectors.Files("q0746.jpg"));
        var sof = FindMarker(jpeg, 0xC0);
        // SOF0: FF C0, length (2), precision (1), height (2), width (2).
        jpeg[sof + 5] = 0x9C; // 40000
        jpeg[sof + 6] = 0x40;
        jpeg[sof + 7] = 0x9C;
        jpeg[sof + 8] = 0x40;

        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(jpeg, "bomb.jpg"));

        Assert.Equal(ImageDecodeError.TooLarge, e.Reason);
        Assert.Contains("declares 40000x40000 pixels", e.Message, StringComparison.Ordinal);
    }

    private static int FindMarker(byte[] jpeg, byte marker)
    {
        for (var i = 2; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return i;
            }
        }
        throw new InvalidOperationException($"marker FF{marker:X2} not found");
    }

    [Fact]
    public void PngWithOneSideOverTheCap_IsRefused()
    {
        var png = TestImages.PngHeaderOnly(40_000, 10);

        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(png));

        Assert.Equal(ImageDecodeError.TooLarge, e.Reason);
    }

    [Fact]
    public void ZeroByteFile_IsRefusedAsEmpty()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-empty-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, []);
        try
        {
            var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashFile(path));

            Assert.Equal(ImageDecodeError.Empty, e.Reason);
            Assert.StartsWith(path + ": zero bytes", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MissingFile_IsRefusedAsUnreadable()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-missing-{Guid.NewGuid():N}.png");

        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashFile(path));

        Assert.Equal(ImageDecodeError.Unreadable, e.Reason);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBytes_AreNotAnImage()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);

        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(bytes, "noise.bin"));

        Assert.Equal(ImageDecodeError.NotAnImage, e.Reason);
        Assert.Equal("noise.bin: not an image (no decoder recognises the format)", e.Message);
    }

    [Fact]
    public void TextFile_IsNotAnImage()
    {
        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashFile(Vectors.Files("expected.tsv")));

        Assert.Equal(ImageDecodeError.NotAnImage, e.Reason);
    }

    [Theory]
    [InlineData("bridge-1-original.jpg")] // 1600x1004: scaled, streamed decode
    [InlineData("q0746.jpg")] // 256x256: full-size decode
    public void TruncatedJpeg_IsRefusedAsTruncated(string file)
    {
        var bytes = File.ReadAllBytes(Vectors.Files(file));

        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(bytes.AsSpan(0, bytes.Length / 2), file));

        Assert.Equal(ImageDecodeError.Truncated, e.Reason);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnimatedGif_IsRefusedWithItsFrameCount()
    {
        var e = Assert.Throws<ImageDecodeException>(() => PdqHasher.HashImage(TestImages.Gif(2), "anim.gif"));

        Assert.Equal(ImageDecodeError.Animated, e.Reason);
        Assert.Contains("animated image with 2 frames", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleFrameGif_IsDecoded()
    {
        // 1x1 is under PDQ's 5-pixel minimum: decoded fine, quality 0 and the zero hash.
        var result = PdqHasher.HashImage(TestImages.Gif(1));

        Assert.Equal(new PdqResult(Hash256.Zero, 0), result);
    }

    [Fact]
    public void CmykJpeg_HashesCloseToItsRgbOriginal()
    {
        // Fixtures/cmyk-q0746.jpg is exact/q0746.png converted to CMYK by ImageMagick (see Fixtures/README.md).
        var path = Vectors.Fixture("cmyk-q0746.jpg");
        var expected = Hash256.Parse("1049d96239e24d4dca2c55512b8bdb77425f4dbcf575a0a95555aaab5554aaaa");

        var result = PdqHasher.HashFile(path);

        Assert.True(result.Hash.DistanceTo(expected) <= 10, $"distance {result.Hash.DistanceTo(expected)}");
        Assert.Equal(100, result.Quality);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void ExifOrientation_HashesTheDisplayedImage(int orientation)
    {
        var jpeg = TestImages.Jpeg(s_rgb, W, H);
        var (rgba, w, h) = TestImages.DecodeRgba(jpeg);
        var (shown, sw, sh) = TestImages.Orient(rgba, w, h, 4, orientation);

        var result = PdqHasher.HashImage(TestImages.WithExifOrientation(jpeg, orientation));
        var expected = PdqHasher.HashRgb(shown, sw, sh, 4, sw * 4);

        // Orientation moves luma values without arithmetic, so the hash is the displayed image's exactly.
        Assert.Equal(expected, result);
        Assert.NotEqual(PdqHasher.HashImage(jpeg).Hash, result.Hash);
    }

    [Fact]
    public void ExifOrientation_DihedralOfRotatedFileIsCloseToRotatedHash()
    {
        var jpeg = TestImages.Jpeg(s_rgb, W, H);
        var upright = PdqHasher.HashImageDihedral(jpeg);

        var rotated = PdqHasher.HashImage(TestImages.WithExifOrientation(jpeg, 3)); // rotate 180

        Assert.True(rotated.Hash.DistanceTo(upright.Rotate180) <= 31, $"distance {rotated.Hash.DistanceTo(upright.Rotate180)}");
    }

    [Fact]
    public void LargeJpeg_UsesScaledDecodeAndStaysCloseToFullDecode()
    {
        var bytes = File.ReadAllBytes(Vectors.Files("bridge-1-original.jpg"));
        var (rgba, w, h) = TestImages.DecodeRgba(bytes);

        var full = PdqHasher.HashRgb(rgba, w, h, 4, w * 4);
        var scaled = PdqHasher.HashImage(bytes);

        Assert.True(full.Hash.DistanceTo(scaled.Hash) <= 10, $"distance {full.Hash.DistanceTo(scaled.Hash)}");
    }

    [Fact]
    public void GreyJpeg_DecodesAsGrey()
    {
        var grey = TestImages.GreyFrom(s_rgb);
        var asRgb = grey.SelectMany(g => new[] { g, g, g }).ToArray();
        var jpeg = TestImages.Jpeg(asRgb, W, H, quality: 100);

        var result = PdqHasher.HashImage(jpeg);

        Assert.True(result.Hash.DistanceTo(PdqHasher.HashRgb(grey, W, H, 1, W).Hash) <= 10);
    }

    [Fact]
    public void Workspace_SurvivesARefusedImageAndHashesTheNextOne()
    {
        var workspace = new PdqWorkspace();
        var png = TestImages.Png(W, H, 8, 2, s_rgb);

        Assert.Throws<ImageDecodeException>(() => workspace.HashImage(TestImages.Gif(3)));
        Assert.Throws<ImageDecodeException>(() => workspace.HashImage(png.AsSpan(0, png.Length - 30)));

        Assert.Equal(HashOfRgb(s_rgb), workspace.HashImage(png));
    }

    [Fact]
    public void Bmp_BottomUpRows_HashExactlyAsThePixels()
    {
        Assert.Equal(HashOfRgb(s_rgb), PdqHasher.HashImage(TestImages.Bmp(s_rgb, W, H)));
    }

    [Fact]
    public void LosslessWebp_HashesExactlyAsThePixels()
    {
        Assert.Equal(HashOfRgb(s_rgb), PdqHasher.HashImage(TestImages.LosslessWebp(s_rgb, W, H)));
    }

    [Fact]
    public void LargePng_IsResampledLikeHashRgb()
    {
        // PNG has no scaled decoding: rows stream in and the 512 nearest-neighbour resample picks rows and columns.
        var rgb = TestImages.SyntheticRgb(1100, 600, 4);
        var png = TestImages.Png(1100, 600, 8, 2, rgb);

        Assert.Equal(PdqHasher.HashRgb(rgb, 1100, 600, 3, 1100 * 3), PdqHasher.HashImage(png));
    }

    [Theory]
    [InlineData(W, H)]
    [InlineData(700, 530)]
    public void InterlacedPng_HashesExactlyAsThePixels(int width, int height)
    {
        var rgb = width == W ? s_rgb : TestImages.SyntheticRgb(width, height, 8);

        Assert.Equal(HashOfRgb(rgb, width, height), PdqHasher.HashImage(TestImages.InterlacedRgbPng(width, height, rgb)));
    }
}
