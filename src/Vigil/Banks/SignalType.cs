using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Vigil.Banks;

/// <summary>The kinds of signal a bank entry can hold.</summary>
public enum SignalType
{
    /// <summary>PDQ perceptual image hash, 64 hex digits; matched by Hamming distance.</summary>
    Pdq = 1,

    /// <summary>MD5 of a file (images, video: many shared lists carry MD5 for video), 32 hex digits.</summary>
    Md5 = 2,

    /// <summary>SHA-256 of a file, 64 hex digits.</summary>
    Sha256 = 3,

    /// <summary>SHA-256 of normalised text (NFKC, case, homoglyph and leetspeak folding), 64 hex digits.</summary>
    TextExact = 4,

    /// <summary>MinHash near-duplicate signature of normalised text.</summary>
    TextMinHash = 5,

    /// <summary>Sentence embedding of normalised text (<c>emb1:</c> + base64, docs/semantic.md); matched by cosine similarity.</summary>
    TextEmbedding = 6,
}

/// <summary>Names of signal types in files and on the command line, with the aliases peers use.</summary>
public static class SignalTypeNames
{
    private static readonly Dictionary<string, SignalType> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pdq"] = SignalType.Pdq,
        ["HASH_PDQ"] = SignalType.Pdq,
        ["photo_pdq"] = SignalType.Pdq,
        ["md5"] = SignalType.Md5,
        ["HASH_MD5"] = SignalType.Md5,
        ["video_md5"] = SignalType.Md5,
        ["HASH_VIDEO_MD5"] = SignalType.Md5,
        ["sha256"] = SignalType.Sha256,
        ["sha-256"] = SignalType.Sha256,
        ["HASH_SHA256"] = SignalType.Sha256,
        ["text_exact"] = SignalType.TextExact,
        ["text_sha256"] = SignalType.TextExact,
        ["text_minhash"] = SignalType.TextMinHash,
        ["text_embedding"] = SignalType.TextEmbedding,
        ["embedding"] = SignalType.TextEmbedding,
        ["text_semantic"] = SignalType.TextEmbedding,
    };

    /// <summary>The canonical name written in exports.</summary>
    public static string Name(this SignalType type) => type switch
    {
        SignalType.Pdq => "pdq",
        SignalType.Md5 => "md5",
        SignalType.Sha256 => "sha256",
        SignalType.TextExact => "text_exact",
        SignalType.TextMinHash => "text_minhash",
        SignalType.TextEmbedding => "text_embedding",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown signal type"),
    };

    /// <summary>The ThreatExchange indicator type, where one exists.</summary>
    public static string ThreatExchangeName(this SignalType type, bool video = false) => type switch
    {
        SignalType.Pdq => "HASH_PDQ",
        SignalType.Md5 => video ? "HASH_VIDEO_MD5" : "HASH_MD5",
        SignalType.Sha256 => "HASH_SHA256",
        _ => type.Name(),
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out SignalType? type)
    {
        type = null;
        if (text is not null && Aliases.TryGetValue(text.Trim(), out var t))
        {
            type = t;
        }
        return type is not null;
    }

    public static string Known => string.Join(", ", Aliases.Keys.Order(StringComparer.Ordinal).Select(k => k.ToLowerInvariant()).Distinct());

    /// <summary>
    /// Checks a signal's text against its type and returns the canonical form (lowercase hex),
    /// or the reason it is invalid.
    /// </summary>
    public static bool TryCanonicalise(SignalType type, string? signal, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = null;
        var s = signal?.Trim() ?? "";
        if (s.Length == 0)
        {
            error = "empty signal";
            return false;
        }
        switch (type)
        {
            case SignalType.Pdq:
            case SignalType.Sha256:
            case SignalType.TextExact:
                return CheckHex(s, 64, out canonical, out error);
            case SignalType.Md5:
                return CheckHex(s, 32, out canonical, out error);
            case SignalType.TextMinHash:
                if (!Vigil.Hashing.Text.MinHashSignature.TryParse(s, out _, out var why))
                {
                    error = why ?? "malformed MinHash signature";
                    return false;
                }
                canonical = s;
                error = null;
                return true;
            case SignalType.TextEmbedding:
                return Vigil.Semantic.EmbeddingSignal.TryCanonicalise(s, out canonical, out error);
            default:
                error = "unknown signal type";
                return false;
        }
    }

    private static bool CheckHex(string s, int digits, [NotNullWhen(true)] out string? canonical, [NotNullWhen(false)] out string? error)
    {
        canonical = null;
        if (s.Length != digits)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"expected {digits} hex digits, got {s.Length} characters");
            return false;
        }
        for (var i = 0; i < s.Length; i++)
        {
            if (!char.IsAsciiHexDigit(s[i]))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"invalid hex digit '{s[i]}' at position {i + 1}");
                return false;
            }
        }
        canonical = s.ToLowerInvariant();
        error = null;
        return true;
    }
}
