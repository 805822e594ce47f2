using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics.Tensors;

namespace Vigil.Semantic;

/// <summary>
/// The portable text form of an embedding in a bank entry: <c>emb1:</c> followed by base64 of a
/// little-endian float32 scale and the 384 dimensions as signed bytes (value = byte * scale), 520
/// characters in all. Version 1 means: all-MiniLM-L6-v2 over <see cref="Vigil.Hashing.Text.TextNormalizer"/>
/// text; vectors of another model or preprocessing must get another prefix, since they are not comparable.
/// Int8 keeps cosine similarity within about 0.001 of the float vectors (tested).
/// </summary>
public static class EmbeddingSignal
{
    /// <summary>The version prefix of the current format.</summary>
    public const string Prefix = "emb1:";

    private const int PayloadBytes = 4 + SentenceEmbedder.Dimensions;

    /// <summary>Length of an encoded signal in characters.</summary>
    public static readonly int EncodedLength = Prefix.Length + (((PayloadBytes + 2) / 3) * 4);

    /// <summary>Quantises a vector to the signal text; the vector need not be normalised.</summary>
    public static string Encode(ReadOnlySpan<float> vector)
    {
        if (vector.Length != SentenceEmbedder.Dimensions)
        {
            throw new ArgumentException($"expected {SentenceEmbedder.Dimensions} dimensions, got {vector.Length}", nameof(vector));
        }
        var max = TensorPrimitives.MaxMagnitude(vector);
        if (!float.IsFinite(max))
        {
            throw new ArgumentException("the vector has a non-finite component", nameof(vector));
        }
        var scale = max == 0 ? 0f : Math.Abs(max) / 127f;
        Span<byte> payload = stackalloc byte[PayloadBytes];
        BinaryPrimitives.WriteSingleLittleEndian(payload, scale);
        for (var i = 0; i < vector.Length; i++)
        {
            payload[4 + i] = unchecked((byte)(sbyte)(scale == 0 ? 0 : Math.Clamp(MathF.Round(vector[i] / scale), -127, 127)));
        }
        return Prefix + Convert.ToBase64String(payload);
    }

    /// <summary>Decodes a signal to a unit-length vector; throws <see cref="FormatException"/> with the reason.</summary>
    public static float[] Decode(string signal) =>
        TryDecode(signal, out var vector, out var error) ? vector : throw new FormatException(error);

    /// <summary>Decodes a signal to a unit-length vector, or says precisely what is wrong with it.</summary>
    public static bool TryDecode(string? signal, [NotNullWhen(true)] out float[]? vector, [NotNullWhen(false)] out string? error)
    {
        vector = null;
        var s = signal?.Trim() ?? "";
        if (!s.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var colon = s.IndexOf(':', StringComparison.Ordinal);
            error = colon > 0 && s.StartsWith("emb", StringComparison.Ordinal)
                ? $"unsupported embedding version '{s[..colon]}'; this build reads '{Prefix[..^1]}'"
                : $"an embedding signal starts with '{Prefix}'";
            return false;
        }
        var body = s.AsSpan(Prefix.Length);
        var expectedChars = EncodedLength - Prefix.Length;
        if (body.Length != expectedChars)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"expected {expectedChars} base64 characters after '{Prefix}', got {body.Length}");
            return false;
        }
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"invalid base64 character '{c}' at position {Prefix.Length + i + 1}");
                return false;
            }
        }
        Span<byte> payload = stackalloc byte[PayloadBytes + 3];
        if (!Convert.TryFromBase64Chars(body, payload, out var written) || written != PayloadBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"malformed base64: expected {PayloadBytes} bytes (scale and {SentenceEmbedder.Dimensions} dimensions)");
            return false;
        }
        var scale = BinaryPrimitives.ReadSingleLittleEndian(payload);
        if (!float.IsFinite(scale) || scale <= 0)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"scale must be a positive finite number, got {scale}");
            return false;
        }
        var v = new float[SentenceEmbedder.Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = unchecked((sbyte)payload[4 + i]) * scale;
        }
        var norm = TensorPrimitives.Norm(v);
        if (norm == 0)
        {
            error = "all dimensions are zero: the vector has no direction";
            return false;
        }
        TensorPrimitives.Divide(v, norm, v);
        vector = v;
        error = null;
        return true;
    }

    /// <summary>Checks a signal and returns it trimmed; <see cref="Encode"/> is deterministic, so one text embeds to one signal.</summary>
    public static bool TryCanonicalise(string? signal, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = TryDecode(signal, out _, out error) ? signal!.Trim() : null;
        return canonical is not null;
    }
}
