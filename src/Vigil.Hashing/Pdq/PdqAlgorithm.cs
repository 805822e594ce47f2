using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vigil.Hashing.Pdq;

/// <summary>
/// The PDQ steps, in float32 exactly as Meta's C++ reference computes them. Every vectorised loop
/// runs the reference's scalar operation sequence in each lane (no reassociation, no fused
/// multiply-add), so the results are bit-identical to the scalar reference.
/// </summary>
internal static class PdqAlgorithm
{
    /// <summary>Images with a side under this get quality 0 and the zero hash, as in the reference.</summary>
    public const int MinHashableDimension = 5;

    /// <summary>Side of the decimated image the DCT works on.</summary>
    public const int Size64 = 64;

    // The reference stores its coefficients as float constants initialised from double literals.
    public const float LumaR = (float)0.299;
    public const float LumaG = (float)0.587;
    public const float LumaB = (float)0.114;

    /// <summary>DCT matrix D, 16 rows by 64 columns, row-major.</summary>
    internal static readonly float[] Dct = BuildDct();

    /// <summary>D transposed (64 rows by 16 columns), for the second product vectorised across its 16 outputs.</summary>
    internal static readonly float[] DctTransposed = Transpose(Dct, 16, 64);

    private static float[] BuildDct()
    {
        var d = new float[16 * 64];
        // Scale factor is a float in the reference; the product with the double cosine is rounded to float.
        var scale = (float)Math.Sqrt(2.0 / 64.0);
        const double Step = Math.PI / 2.0 / 64.0;
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                d[(i * 64) + j] = (float)(scale * Math.Cos(Step * (i + 1) * ((2 * j) + 1)));
            }
        }
        return d;
    }

    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                t[(j * rows) + i] = m[(i * cols) + j];
            }
        }
        return t;
    }

    /// <summary>The reference's Jarosz window: (dim + 2*64 - 1) / (2*64).</summary>
    public static int WindowSize(int oldDimension, int newDimension) =>
        (oldDimension + (2 * newDimension) - 1) / (2 * newDimension);

    /// <summary>The reference's decimation index: (int)((i + 0.5) * n / 64), in double.</summary>
    public static int SampleIndex(int outIndex, int inLength, int outLength) =>
        (int)((outIndex + 0.5) * inLength / outLength);

    /// <summary>Luma from interleaved 8-bit pixels: 0.299 R + 0.587 G + 0.114 B in float, or the grey value.</summary>
    public static void LumaFromPixels(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, int stride, Span<float> luma)
    {
        for (var y = 0; y < height; y++)
        {
            LumaRow(pixels.Slice(y * stride), bytesPerPixel, luma.Slice(y * width, width));
        }
    }

    /// <summary>
    /// One row to luma, dst.Length pixels from the start of <paramref name="row"/>; alpha is ignored
    /// as the reference (CImg) does. RGBA rows go eight pixels at a time, each lane computing
    /// (0.299 R + 0.587 G) + 0.114 B with the scalar roundings.
    /// </summary>
    public static void LumaRow(ReadOnlySpan<byte> row, int bytesPerPixel, Span<float> dst)
    {
        if (dst.IsEmpty)
        {
            return;
        }
        _ = row[(dst.Length * bytesPerPixel) - 1];
        ref var p = ref MemoryMarshal.GetReference(row);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var x = 0;
        if (bytesPerPixel == 1)
        {
            for (; x < dst.Length; x++)
            {
                Unsafe.Add(ref d, x) = Unsafe.Add(ref p, x);
            }
            return;
        }
        if (bytesPerPixel == 4 && Vector256.IsHardwareAccelerated)
        {
            for (; x + 8 <= dst.Length; x += 8)
            {
                LumaOf8(Vector256.LoadUnsafe(ref Unsafe.As<byte, int>(ref Unsafe.Add(ref p, x * 4)))).StoreUnsafe(ref d, (nuint)x);
            }
        }
        for (; x < dst.Length; x++)
        {
            var o = x * bytesPerPixel;
            Unsafe.Add(ref d, x) = (LumaR * Unsafe.Add(ref p, o)) + (LumaG * Unsafe.Add(ref p, o + 1)) + (LumaB * Unsafe.Add(ref p, o + 2));
        }
    }

    /// <summary>
    /// One resampled row: dst[x] is the luma of the pixel at byte offset <paramref name="byteOffsets"/>[x]
    /// (nearest neighbour). RGBA pixels are gathered eight at a time.
    /// </summary>
    public static unsafe void LumaRowSampled(ReadOnlySpan<byte> row, int bytesPerPixel, ReadOnlySpan<int> byteOffsets, Span<float> dst)
    {
        if (dst.IsEmpty)
        {
            return;
        }
        _ = byteOffsets[dst.Length - 1];
        if (byteOffsets[dst.Length - 1] + bytesPerPixel > row.Length || byteOffsets[0] < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(byteOffsets), "a sample lies outside the row");
        }
        ref var p = ref MemoryMarshal.GetReference(row);
        var x = 0;
        if (bytesPerPixel == 1)
        {
            for (; x < dst.Length; x++)
            {
                dst[x] = Unsafe.Add(ref p, byteOffsets[x]);
            }
            return;
        }
        if (bytesPerPixel == 4 && Avx2.IsSupported)
        {
            // Offsets ascend (nearest-neighbour map), so the last one bounds every gather.
            fixed (byte* rp = row)
            fixed (int* op = byteOffsets)
            fixed (float* dp = dst)
            {
                for (; x + 8 <= dst.Length; x += 8)
                {
                    var pixels = Avx2.GatherVector256((int*)rp, Avx.LoadVector256(op + x), 1);
                    Avx.Store(dp + x, LumaOf8(pixels));
                }
            }
        }
        for (; x < dst.Length; x++)
        {
            var o = byteOffsets[x];
            dst[x] = (LumaR * Unsafe.Add(ref p, o)) + (LumaG * Unsafe.Add(ref p, o + 1)) + (LumaB * Unsafe.Add(ref p, o + 2));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LumaOf8(Vector256<int> rgba)
    {
        var mask = Vector256.Create(0xFF);
        var r = Vector256.ConvertToSingle(rgba & mask);
        var g = Vector256.ConvertToSingle((rgba >>> 8) & mask);
        var b = Vector256.ConvertToSingle((rgba >>> 16) & mask);
        return ((Vector256.Create(LumaR) * r) + (Vector256.Create(LumaG) * g)) + (Vector256.Create(LumaB) * b);
    }

    /// <summary>
    /// The reference's box1DFloat along one vector: four phases (grow, write while growing, slide,
    /// shrink) with a running float sum divided by the current window size.
    /// </summary>
    public static void Box1D(ReadOnlySpan<float> input, Span<float> output, int length, int stride, int window)
    {
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = length - window;
        var phase4 = half - 1;
        int li = 0, ri = 0, oi = 0, count = 0;
        var sum = 0.0f;
        for (var i = 0; i < phase1; i++)
        {
            sum += input[ri];
            count++;
            ri += stride;
        }
        for (var i = 0; i < phase2; i++)
        {
            sum += input[ri];
            count++;
            output[oi] = sum / count;
            ri += stride;
            oi += stride;
        }
        for (var i = 0; i < phase3; i++)
        {
            sum += input[ri];
            sum -= input[li];
            output[oi] = sum / count;
            li += stride;
            ri += stride;
            oi += stride;
        }
        for (var i = 0; i < phase4; i++)
        {
            sum -= input[li];
            count--;
            output[oi] = sum / count;
            li += stride;
            oi += stride;
        }
    }

    /// <summary>
    /// The reference's blur and decimation, scalar and straightforward: two passes of rows then
    /// columns, then sampling at the 64x64 centres. Kept as the yardstick the fast path is tested against.
    /// </summary>
    public static void BlurAndDecimateReference(Span<float> buffer1, Span<float> buffer2, int rows, int cols, Span<float> out64)
    {
        var windowAlongRows = WindowSize(cols, Size64);
        var windowAlongCols = WindowSize(rows, Size64);
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < rows; i++)
            {
                Box1D(buffer1.Slice(i * cols), buffer2.Slice(i * cols), cols, 1, windowAlongRows);
            }
            for (var j = 0; j < cols; j++)
            {
                Box1D(buffer2.Slice(j), buffer1.Slice(j), rows, cols, windowAlongCols);
            }
        }
        for (var oi = 0; oi < Size64; oi++)
        {
            var ini = SampleIndex(oi, rows, Size64);
            for (var oj = 0; oj < Size64; oj++)
            {
                out64[(oi * Size64) + oj] = buffer1[(ini * cols) + SampleIndex(oj, cols, Size64)];
            }
        }
    }

    /// <summary>
    /// The same blur and decimation, fast. Column passes run down a row-major matrix with the
    /// columns in vector lanes; row passes take eight rows at a time, transposed in registers into
    /// a strip (one vector per column, one lane per row), so again each lane runs the reference's
    /// scalar sequence. The last two passes only divide where the 64x64 decimation samples.
    /// </summary>
    /// <param name="luma">rows x cols luma, row-major; overwritten.</param>
    /// <param name="scratch">at least rows x cols floats.</param>
    /// <param name="small">at least rows x 64 + <see cref="StripLength"/>(cols) floats.</param>
    /// <param name="sums">at least max(cols, 64) floats.</param>
    /// <param name="rows">image height.</param>
    /// <param name="cols">image width.</param>
    /// <param name="out64">64 x 64 result.</param>
    public static void BlurAndDecimate(Span<float> luma, Span<float> scratch, Span<float> small, Span<float> sums, int rows, int cols, Span<float> out64)
    {
        var windowAlongRows = WindowSize(cols, Size64);
        var windowAlongCols = WindowSize(rows, Size64);
        Span<int> rowSamples = stackalloc int[Size64];
        Span<int> colSamples = stackalloc int[Size64];
        for (var k = 0; k < Size64; k++)
        {
            rowSamples[k] = SampleIndex(k, rows, Size64);
            colSamples[k] = SampleIndex(k, cols, Size64);
        }
        var sampled = small[..(rows * Size64)];
        var strip = small.Slice(rows * Size64, StripLength(cols));

        BoxAlongRows(luma, scratch, rows, cols, windowAlongRows, strip, default);
        BoxDown(scratch, luma, rows, cols, windowAlongCols, sums, default);
        // Pass 3 keeps only the 64 sampled columns (rows x 64); pass 4 then only the 64 sampled rows.
        BoxAlongRows(luma, sampled, rows, cols, windowAlongRows, strip, colSamples);
        BoxDown(sampled, out64, rows, Size64, windowAlongCols, sums, rowSamples);
    }

    /// <summary>Scratch floats <see cref="BoxAlongRows"/> needs: the strip in, the strip out, one row.</summary>
    public static int StripLength(int cols) => (8 * cols) + (8 * Math.Max(cols, Size64)) + cols;

    /// <summary>
    /// Box1D along every row of a rows x cols matrix. With <paramref name="samples"/> empty the output
    /// is rows x cols; otherwise rows x samples.Length holding the filtered values at those columns.
    /// </summary>
    public static void BoxAlongRows(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols, int window, Span<float> strip, ReadOnlySpan<int> samples)
    {
        var outCols = samples.IsEmpty ? cols : samples.Length;
        _ = src[(rows * cols) - 1];
        _ = dst[(rows * outCols) - 1];
        var r0 = 0;
        if (Avx.IsSupported)
        {
            var t = MemoryMarshal.Cast<float, Vector256<float>>(strip[..(8 * cols)]);
            var u = MemoryMarshal.Cast<float, Vector256<float>>(strip.Slice(8 * cols, 8 * Math.Max(cols, Size64)));
            for (; r0 + 8 <= rows; r0 += 8)
            {
                StripIn(src, r0, cols, t);
                BoxVectors(t, u, cols, window, samples);
                StripOut(u, dst, r0, outCols);
            }
        }
        var row = strip.Slice((8 * cols) + (8 * Math.Max(cols, Size64)), cols);
        for (; r0 < rows; r0++)
        {
            if (samples.IsEmpty)
            {
                Box1D(src.Slice(r0 * cols, cols), dst.Slice(r0 * cols, cols), cols, 1, window);
                continue;
            }
            Box1D(src.Slice(r0 * cols, cols), row, cols, 1, window);
            for (var k = 0; k < samples.Length; k++)
            {
                dst[(r0 * outCols) + k] = row[samples[k]];
            }
        }
    }

    /// <summary>t[c] = column c of rows r0..r0+7 (lane r = row r0+r).</summary>
    private static void StripIn(ReadOnlySpan<float> src, int r0, int cols, Span<Vector256<float>> t)
    {
        ref var s = ref MemoryMarshal.GetReference(src);
        var c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            var b = (r0 * cols) + c;
            Transpose8x8(
                Vector256.LoadUnsafe(ref s, (nuint)b),
                Vector256.LoadUnsafe(ref s, (nuint)(b + cols)),
                Vector256.LoadUnsafe(ref s, (nuint)(b + (2 * cols))),
                Vector256.LoadUnsafe(ref s, (nuint)(b + (3 * cols))),
                Vector256.LoadUnsafe(ref s, (nuint)(b + (4 * cols))),
                Vector256.LoadUnsafe(ref s, (nuint)(b + (5 * cols))),
                Vector256.LoadUnsafe(ref s, (nuint)(b + (6 * cols))),
                Vector256.LoadUnsafe(ref s, (nuint)(b + (7 * cols))),
                t.Slice(c, 8));
        }
        for (; c < cols; c++)
        {
            var b = (r0 * cols) + c;
            t[c] = Vector256.Create(
                Unsafe.Add(ref s, b), Unsafe.Add(ref s, b + cols), Unsafe.Add(ref s, b + (2 * cols)), Unsafe.Add(ref s, b + (3 * cols)),
                Unsafe.Add(ref s, b + (4 * cols)), Unsafe.Add(ref s, b + (5 * cols)), Unsafe.Add(ref s, b + (6 * cols)), Unsafe.Add(ref s, b + (7 * cols)));
        }
    }

    /// <summary>Rows r0..r0+7 of dst (outCols wide) from u (lane r = row r0+r).</summary>
    private static void StripOut(ReadOnlySpan<Vector256<float>> u, Span<float> dst, int r0, int outCols)
    {
        ref var d = ref MemoryMarshal.GetReference(dst);
        Span<Vector256<float>> block = stackalloc Vector256<float>[8];
        var k = 0;
        for (; k + 8 <= outCols; k += 8)
        {
            Transpose8x8(u[k], u[k + 1], u[k + 2], u[k + 3], u[k + 4], u[k + 5], u[k + 6], u[k + 7], block);
            for (var r = 0; r < 8; r++)
            {
                block[r].StoreUnsafe(ref d, (nuint)(((r0 + r) * outCols) + k));
            }
        }
        for (; k < outCols; k++)
        {
            for (var r = 0; r < 8; r++)
            {
                Unsafe.Add(ref d, ((r0 + r) * outCols) + k) = u[k].GetElement(r);
            }
        }
    }

    /// <summary>The 8x8 transpose of eight row vectors; pure data movement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, Span<Vector256<float>> output)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        output[0] = Avx.Permute2x128(s0, s4, 0x20);
        output[1] = Avx.Permute2x128(s1, s5, 0x20);
        output[2] = Avx.Permute2x128(s2, s6, 0x20);
        output[3] = Avx.Permute2x128(s3, s7, 0x20);
        output[4] = Avx.Permute2x128(s0, s4, 0x31);
        output[5] = Avx.Permute2x128(s1, s5, 0x31);
        output[6] = Avx.Permute2x128(s2, s6, 0x31);
        output[7] = Avx.Permute2x128(s3, s7, 0x31);
    }

    /// <summary>Box1D on eight interleaved vectors at once (lane = one row), the sum kept in a register.</summary>
    private static void BoxVectors(ReadOnlySpan<Vector256<float>> input, Span<Vector256<float>> output, int length, int window, ReadOnlySpan<int> samples)
    {
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = length - window;
        var phase4 = half - 1;
        int li = 0, ri = 0, oi = 0, count = 0, next = 0;
        var sum = Vector256<float>.Zero;
        var full = samples.IsEmpty;
        for (var i = 0; i < phase1; i++)
        {
            sum += input[ri++];
            count++;
        }
        for (var i = 0; i < phase2; i++)
        {
            sum += input[ri++];
            count++;
            EmitVector(sum, count, oi++, output, full, samples, ref next);
        }
        for (var i = 0; i < phase3; i++)
        {
            sum += input[ri++];
            sum -= input[li++];
            EmitVector(sum, count, oi++, output, full, samples, ref next);
        }
        for (var i = 0; i < phase4; i++)
        {
            sum -= input[li++];
            count--;
            EmitVector(sum, count, oi++, output, full, samples, ref next);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitVector(Vector256<float> sum, int count, int oi, Span<Vector256<float>> output, bool full, ReadOnlySpan<int> samples, ref int next)
    {
        if (full)
        {
            output[oi] = sum / Vector256.Create((float)count);
            return;
        }
        while (next < samples.Length && samples[next] == oi)
        {
            output[next++] = sum / Vector256.Create((float)count);
        }
    }

    /// <summary>
    /// Box1D down every column of a rows x cols row-major matrix at once. With <paramref name="samples"/>
    /// empty it writes the full rows x cols output; otherwise it writes output row k = the filtered
    /// row samples[k] (samples ascending), and skips the division everywhere else.
    /// </summary>
    public static void BoxDown(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols, int window, Span<float> sums, ReadOnlySpan<int> samples)
    {
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = rows - window;
        var phase4 = half - 1;
        _ = src[(rows * cols) - 1];
        _ = dst[((samples.IsEmpty ? rows : samples.Length) * cols) - 1];
        var s = sums[..cols];
        s.Clear();
        int li = 0, ri = 0, oi = 0, count = 0, next = 0;
        var full = samples.IsEmpty;

        for (var i = 0; i < phase1; i++)
        {
            AddRow(s, src.Slice(ri * cols, cols));
            count++;
            ri++;
        }
        for (var i = 0; i < phase2; i++)
        {
            AddRow(s, src.Slice(ri * cols, cols));
            count++;
            Emit(s, dst, cols, count, oi, full, samples, ref next);
            ri++;
            oi++;
        }
        for (var i = 0; i < phase3; i++)
        {
            AddSubRow(s, src.Slice(ri * cols, cols), src.Slice(li * cols, cols));
            Emit(s, dst, cols, count, oi, full, samples, ref next);
            li++;
            ri++;
            oi++;
        }
        for (var i = 0; i < phase4; i++)
        {
            SubRow(s, src.Slice(li * cols, cols));
            count--;
            Emit(s, dst, cols, count, oi, full, samples, ref next);
            li++;
            oi++;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(Span<float> s, Span<float> dst, int cols, int count, int oi, bool full, ReadOnlySpan<int> samples, ref int next)
    {
        if (full)
        {
            DivideRow(s, dst.Slice(oi * cols, cols), count);
            return;
        }
        // Several samples may land on one row when the side is under 64.
        while (next < samples.Length && samples[next] == oi)
        {
            DivideRow(s, dst.Slice(next * cols, cols), count);
            next++;
        }
    }

    private static void AddRow(Span<float> sums, ReadOnlySpan<float> add)
    {
        ref var s = ref MemoryMarshal.GetReference(sums);
        ref var a = ref MemoryMarshal.GetReference(add);
        var n = sums.Length;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= n - 8; j += 8)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)j) + Vector256.LoadUnsafe(ref a, (nuint)j)).StoreUnsafe(ref s, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            Unsafe.Add(ref s, j) += Unsafe.Add(ref a, j);
        }
    }

    private static void SubRow(Span<float> sums, ReadOnlySpan<float> sub)
    {
        ref var s = ref MemoryMarshal.GetReference(sums);
        ref var b = ref MemoryMarshal.GetReference(sub);
        var n = sums.Length;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= n - 8; j += 8)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)j) - Vector256.LoadUnsafe(ref b, (nuint)j)).StoreUnsafe(ref s, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            Unsafe.Add(ref s, j) -= Unsafe.Add(ref b, j);
        }
    }

    private static void AddSubRow(Span<float> sums, ReadOnlySpan<float> add, ReadOnlySpan<float> sub)
    {
        ref var s = ref MemoryMarshal.GetReference(sums);
        ref var a = ref MemoryMarshal.GetReference(add);
        ref var b = ref MemoryMarshal.GetReference(sub);
        var n = sums.Length;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= n - 8; j += 8)
            {
                // Two roundings, add then subtract, as the reference does.
                var v = Vector256.LoadUnsafe(ref s, (nuint)j) + Vector256.LoadUnsafe(ref a, (nuint)j);
                (v - Vector256.LoadUnsafe(ref b, (nuint)j)).StoreUnsafe(ref s, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            var v = Unsafe.Add(ref s, j) + Unsafe.Add(ref a, j);
            Unsafe.Add(ref s, j) = v - Unsafe.Add(ref b, j);
        }
    }

    private static void DivideRow(ReadOnlySpan<float> sums, Span<float> dst, int count)
    {
        ref var s = ref MemoryMarshal.GetReference(sums);
        ref var d = ref MemoryMarshal.GetReference(dst);
        var n = sums.Length;
        float c = count;
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var cv = Vector256.Create(c);
            for (; j <= n - 8; j += 8)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)j) / cv).StoreUnsafe(ref d, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            Unsafe.Add(ref d, j) = Unsafe.Add(ref s, j) / c;
        }
    }

    /// <summary>The reference's quality metric: significant gradients of the 64x64 image, /90, capped at 100.</summary>
    public static int Quality(ReadOnlySpan<float> a64)
    {
        var gradientSum = 0;
        for (var i = 0; i < 63; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                var d = (int)((a64[(i * 64) + j] - a64[((i + 1) * 64) + j]) * 100f / 255f);
                gradientSum += Math.Abs(d);
            }
        }
        for (var i = 0; i < 64; i++)
        {
            for (var j = 0; j < 63; j++)
            {
                var d = (int)((a64[(i * 64) + j] - a64[(i * 64) + j + 1]) * 100f / 255f);
                gradientSum += Math.Abs(d);
            }
        }
        return Math.Min(gradientSum / 90, 100);
    }

    /// <summary>
    /// B = (D A) D^T for the 16x16 low frequencies, float accumulation in the reference's k order.
    /// Vectorised across the output columns, which keeps each element's operation sequence.
    /// </summary>
    public static void Dct64To16(ReadOnlySpan<float> a64, Span<float> t16x64, Span<float> b16x16)
    {
        ref var d = ref MemoryArrayRef(Dct);
        ref var dt = ref MemoryArrayRef(DctTransposed);
        ref var a = ref MemoryMarshal.GetReference(a64);
        ref var t = ref MemoryMarshal.GetReference(t16x64);
        ref var b = ref MemoryMarshal.GetReference(b16x16);
        _ = a64[4095];
        _ = t16x64[1023];
        _ = b16x16[255];
        if (Vector256.IsHardwareAccelerated)
        {
            for (var i = 0; i < 16; i++)
            {
                for (var j = 0; j < 64; j += 16)
                {
                    var acc0 = Vector256<float>.Zero;
                    var acc1 = Vector256<float>.Zero;
                    for (var k = 0; k < 64; k++)
                    {
                        var dk = Vector256.Create(Unsafe.Add(ref d, (i * 64) + k));
                        acc0 += dk * Vector256.LoadUnsafe(ref a, (nuint)((k * 64) + j));
                        acc1 += dk * Vector256.LoadUnsafe(ref a, (nuint)((k * 64) + j + 8));
                    }
                    acc0.StoreUnsafe(ref t, (nuint)((i * 64) + j));
                    acc1.StoreUnsafe(ref t, (nuint)((i * 64) + j + 8));
                }
            }
            for (var i = 0; i < 16; i++)
            {
                var acc0 = Vector256<float>.Zero;
                var acc1 = Vector256<float>.Zero;
                for (var k = 0; k < 64; k++)
                {
                    var tk = Vector256.Create(Unsafe.Add(ref t, (i * 64) + k));
                    acc0 += tk * Vector256.LoadUnsafe(ref dt, (nuint)(k * 16));
                    acc1 += tk * Vector256.LoadUnsafe(ref dt, (nuint)((k * 16) + 8));
                }
                acc0.StoreUnsafe(ref b, (nuint)(i * 16));
                acc1.StoreUnsafe(ref b, (nuint)((i * 16) + 8));
            }
            return;
        }
        Dct64To16Reference(a64, t16x64, b16x16);
    }

    /// <summary>The scalar form of <see cref="Dct64To16"/>, loop for loop the reference's.</summary>
    public static void Dct64To16Reference(ReadOnlySpan<float> a64, Span<float> t16x64, Span<float> b16x16)
    {
        var d = Dct;
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                var sum = 0.0f;
                for (var k = 0; k < 64; k++)
                {
                    sum += d[(i * 64) + k] * a64[(k * 64) + j];
                }
                t16x64[(i * 64) + j] = sum;
            }
        }
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                var sum = 0.0f;
                for (var k = 0; k < 64; k++)
                {
                    sum += t16x64[(i * 64) + k] * d[(j * 64) + k];
                }
                b16x16[(i * 16) + j] = sum;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float MemoryArrayRef(float[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    /// <summary>
    /// Bit i*16+j is set where B[i][j] is above the median. The reference's Torben median of 256
    /// values is the 128th smallest, which is what a sort gives at index 127.
    /// </summary>
    public static Hash256 ToBits(ReadOnlySpan<float> b16x16, Span<float> sortScratch)
    {
        var sorted = sortScratch[..256];
        b16x16[..256].CopyTo(sorted);
        sorted.Sort();
        var median = sorted[127];
        // Hex text is words w[15]..w[0] of 16 bits; w[k>>4] bit (k&15) holds bit k = i*16+j.
        // So row i lands in Hash256 word (15-i)/4 at bit (i%4)*16 + j.
        Span<ulong> words = stackalloc ulong[4];
        words.Clear();
        for (var i = 0; i < 16; i++)
        {
            ulong rowBits = 0;
            for (var j = 0; j < 16; j++)
            {
                if (b16x16[(i * 16) + j] > median)
                {
                    rowBits |= 1UL << j;
                }
            }
            words[(15 - i) >> 2] |= rowBits << ((i & 3) * 16);
        }
        return new Hash256(words[0], words[1], words[2], words[3]);
    }

    /// <summary>The eight dihedral transforms of the 16x16 DCT output, in the reference's order.</summary>
    public static void DihedralTransform(int transform, ReadOnlySpan<float> a, Span<float> b)
    {
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                var v = a[(i * 16) + j];
                switch (transform)
                {
                    case 0: b[(i * 16) + j] = v; break;
                    case 1: b[(j * 16) + i] = (j & 1) != 0 ? v : -v; break;
                    case 2: b[(i * 16) + j] = ((i + j) & 1) != 0 ? -v : v; break;
                    case 3: b[(j * 16) + i] = (i & 1) != 0 ? v : -v; break;
                    case 4: b[(i * 16) + j] = (i & 1) != 0 ? v : -v; break;
                    case 5: b[(i * 16) + j] = (j & 1) != 0 ? v : -v; break;
                    case 6: b[(j * 16) + i] = v; break;
                    default: b[(j * 16) + i] = ((i + j) & 1) != 0 ? -v : v; break;
                }
            }
        }
    }
}
