using System.Diagnostics.CodeAnalysis;
using Vigil.Hashing.Imaging;

namespace Vigil.Hashing.Pdq;

/// <summary>
/// Reusable scratch buffers for PDQ hashing. Buffers grow to the largest image seen and are then
/// reused, so hashing many images allocates nothing per image on the hashing path. Not thread-safe:
/// use one workspace per thread (<see cref="PdqHasher"/>'s static methods keep one per thread).
/// </summary>
public sealed class PdqWorkspace
{
    /// <summary>Sides longer than this are resampled to it before hashing (the reference's policy).</summary>
    public const int PreResizeSide = 512;

    private float[] _luma = [];
    private float[] _scratch = [];
    private float[] _small = [];
    private float[] _sums = [];
    private byte[] _pixels = [];
    private readonly int[] _columnMap = new int[PreResizeSide];
    private readonly float[] _a64 = new float[64 * 64];
    private readonly float[] _t16x64 = new float[16 * 64];
    private readonly float[] _b16x16 = new float[256];
    private readonly float[] _aux16x16 = new float[256];
    private readonly float[] _sort = new float[256];

    /// <summary>PDQ of a luma plane (row-major, width x height), with no pre-resize: the reference's pdqHash256FromFloatLuma.</summary>
    public PdqResult HashLuma(ReadOnlySpan<float> luma, int width, int height)
    {
        CopyLuma(luma, width, height);
        var result = HashLoadedLuma(width, height);
        TrimLargeBuffers();
        return result;
    }

    /// <summary>The eight dihedral PDQ hashes of a luma plane from one pass: the reference's pdqDihedralHash256esFromFloatLuma.</summary>
    public PdqDihedral HashLumaDihedral(ReadOnlySpan<float> luma, int width, int height)
    {
        CopyLuma(luma, width, height);
        var result = HashLoadedLumaDihedral(width, height);
        TrimLargeBuffers();
        return result;
    }

    /// <summary>
    /// PDQ of 8-bit pixels: <paramref name="bytesPerPixel"/> 1 = grey, 3 = RGB, 4 = RGBA (alpha ignored,
    /// as the reference does). Sides over <see cref="PreResizeSide"/> are first resampled to it by nearest neighbour.
    /// </summary>
    public PdqResult HashRgb(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, int stride)
    {
        var (w, h) = LoadPixels(pixels, width, height, bytesPerPixel, stride);
        return HashLoadedLuma(w, h);
    }

    /// <summary>The dihedral form of <see cref="HashRgb"/>.</summary>
    public PdqDihedral HashRgbDihedral(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, int stride)
    {
        var (w, h) = LoadPixels(pixels, width, height, bytesPerPixel, stride);
        return HashLoadedLumaDihedral(w, h);
    }

    /// <summary>Decodes an image file and hashes it (EXIF orientation applied, sides over 512 reduced).</summary>
    /// <exception cref="ImageDecodeException">The file cannot be read or is not an acceptable image.</exception>
    public PdqResult HashFile(string path)
    {
        try
        {
            var (w, h) = ImageLumaDecoder.DecodeFile(path, this);
            return HashLoadedLuma(w, h);
        }
        finally
        {
            TrimLargeBuffers();
        }
    }

    /// <summary>The dihedral form of <see cref="HashFile"/>.</summary>
    public PdqDihedral HashFileDihedral(string path)
    {
        try
        {
            var (w, h) = ImageLumaDecoder.DecodeFile(path, this);
            return HashLoadedLumaDihedral(w, h);
        }
        finally
        {
            TrimLargeBuffers();
        }
    }

    /// <summary>Decodes an encoded image (JPEG, PNG, WebP, GIF, BMP...) and hashes it.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not an acceptable image.</exception>
    public PdqResult HashImage(ReadOnlySpan<byte> encoded, string? name = null)
    {
        try
        {
            var (w, h) = ImageLumaDecoder.DecodeBytes(encoded, name, this);
            return HashLoadedLuma(w, h);
        }
        finally
        {
            TrimLargeBuffers();
        }
    }

    /// <summary>The dihedral form of <see cref="HashImage"/>.</summary>
    public PdqDihedral HashImageDihedral(ReadOnlySpan<byte> encoded, string? name = null)
    {
        try
        {
            var (w, h) = ImageLumaDecoder.DecodeBytes(encoded, name, this);
            return HashLoadedLumaDihedral(w, h);
        }
        finally
        {
            TrimLargeBuffers();
        }
    }

    /// <summary>
    /// Drops buffers a rare huge image grew, so a long-lived (or per-thread) workspace does not keep
    /// hundreds of megabytes; the usual 512x512 plane and row buffers stay.
    /// </summary>
    private void TrimLargeBuffers()
    {
        const int KeepBytes = 16 << 20;
        const int KeepFloats = 4 << 20;
        if (_pixels.Length > KeepBytes)
        {
            _pixels = [];
        }
        if (_luma.Length > KeepFloats || _scratch.Length > KeepFloats)
        {
            _luma = [];
            _scratch = [];
            _small = [];
        }
    }

    internal Span<float> LumaBuffer(int count)
    {
        Grow(ref _luma, count);
        return _luma.AsSpan(0, count);
    }

    internal Span<byte> PixelBuffer(int count)
    {
        if (_pixels.Length < count)
        {
            _pixels = GC.AllocateUninitializedArray<byte>(count);
        }
        return _pixels.AsSpan(0, count);
    }

    internal Span<float> ScratchBuffer(int count)
    {
        Grow(ref _scratch, count);
        return _scratch.AsSpan(0, count);
    }

    internal Span<int> ColumnMap => _columnMap;

    private static void Grow(ref float[] buffer, int count)
    {
        if (buffer.Length < count)
        {
            buffer = GC.AllocateUninitializedArray<float>(count);
        }
    }

    private void CopyLuma(ReadOnlySpan<float> luma, int width, int height)
    {
        var n = CheckedArea(width, height);
        if (luma.Length < n)
        {
            ThrowTooShort(nameof(luma), luma.Length, n);
        }
        luma[..n].CopyTo(LumaBuffer(n));
    }

    private (int Width, int Height) LoadPixels(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, int stride)
    {
        if (bytesPerPixel is not (1 or 3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(bytesPerPixel), bytesPerPixel, "1 (grey), 3 (RGB) or 4 (RGBA)");
        }
        CheckedArea(width, height);
        if (stride < (long)width * bytesPerPixel)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"a row of {width} pixels needs {(long)width * bytesPerPixel} bytes");
        }
        if (height > 0 && pixels.Length < ((long)(height - 1) * stride) + ((long)width * bytesPerPixel))
        {
            ThrowTooShort(nameof(pixels), pixels.Length, ((long)(height - 1) * stride) + ((long)width * bytesPerPixel));
        }
        var w = Math.Min(width, PreResizeSide);
        var h = Math.Min(height, PreResizeSide);
        var luma = LumaBuffer(w * h);
        if (w == width && h == height)
        {
            PdqAlgorithm.LumaFromPixels(pixels, width, height, bytesPerPixel, stride, luma);
            return (w, h);
        }
        // Nearest neighbour at output pixel centres, per axis (aspect kept as the reference does not, see docs/pdq.md).
        var map = _columnMap.AsSpan(0, w);
        for (var x = 0; x < w; x++)
        {
            map[x] = PdqAlgorithm.SampleIndex(x, width, w) * bytesPerPixel;
        }
        for (var y = 0; y < h; y++)
        {
            var row = pixels.Slice(PdqAlgorithm.SampleIndex(y, height, h) * stride, width * bytesPerPixel);
            PdqAlgorithm.LumaRowSampled(row, bytesPerPixel, map, luma.Slice(y * w, w));
        }
        return (w, h);
    }

    /// <summary>Runs the algorithm on the first width x height floats of the luma buffer.</summary>
    internal PdqResult HashLoadedLuma(int width, int height)
    {
        if (width < PdqAlgorithm.MinHashableDimension || height < PdqAlgorithm.MinHashableDimension)
        {
            return new PdqResult(Hash256.Zero, 0);
        }
        var quality = DctOfLoadedLuma(width, height, reuse64x64: true);
        return new PdqResult(PdqAlgorithm.ToBits(_b16x16, _sort), quality);
    }

    internal PdqDihedral HashLoadedLumaDihedral(int width, int height)
    {
        if (width < PdqAlgorithm.MinHashableDimension || height < PdqAlgorithm.MinHashableDimension)
        {
            return default;
        }
        // The reference's dihedral entry point always blurs, even a 64x64 input.
        var quality = DctOfLoadedLuma(width, height, reuse64x64: false);
        Span<Hash256> hashes = stackalloc Hash256[8];
        hashes[0] = PdqAlgorithm.ToBits(_b16x16, _sort);
        for (var t = 1; t < 8; t++)
        {
            PdqAlgorithm.DihedralTransform(t, _b16x16, _aux16x16);
            hashes[t] = PdqAlgorithm.ToBits(_aux16x16, _sort);
        }
        return new PdqDihedral(hashes[0], hashes[1], hashes[2], hashes[3], hashes[4], hashes[5], hashes[6], hashes[7], quality);
    }

    private int DctOfLoadedLuma(int width, int height, bool reuse64x64)
    {
        var n = width * height;
        if (reuse64x64 && width == 64 && height == 64)
        {
            // The reference takes a 64x64 input as already downsampled (its video path).
            _luma.AsSpan(0, n).CopyTo(_a64);
        }
        else
        {
            var longer = Math.Max(width, height);
            Grow(ref _scratch, n);
            Grow(ref _small, (64 * height) + PdqAlgorithm.StripLength(width));
            Grow(ref _sums, Math.Max(longer, 64));
            PdqAlgorithm.BlurAndDecimate(_luma.AsSpan(0, n), _scratch, _small, _sums, height, width, _a64);
        }
        var quality = PdqAlgorithm.Quality(_a64);
        PdqAlgorithm.Dct64To16(_a64, _t16x64, _b16x16);
        return quality;
    }

    private static int CheckedArea(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var area = (long)width * height;
        if (area > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} is too many pixels for one plane");
        }
        return (int)area;
    }

    [DoesNotReturn]
    private static void ThrowTooShort(string name, long have, long need) =>
        throw new ArgumentException($"holds {have} elements, the image needs {need}", name);
}
