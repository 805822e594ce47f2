using System.Globalization;
using Vigil.Banks;
using Vigil.Hashing;
using Vigil.Hashing.Files;
using Vigil.Hashing.Imaging;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Text;
using Vigil.Semantic;

namespace Vigil.Matching;

/// <summary>The signals of one thing to look up: a file, a hash given on the command line, or a text.</summary>
public sealed record MatchProbe(string Input)
{
    /// <summary>PDQ hashes of the image in its eight orientations; only <see cref="PdqDihedral.Original"/> when given as a hash.</summary>
    public IReadOnlyList<(string Via, Hash256 Hash)> Pdq { get; init; } = [];
    public int PdqQuality { get; init; } = 100;
    public string? Md5 { get; init; }
    public string? Sha256 { get; init; }
    public string? TextExact { get; init; }
    public MinHashSignature? TextMinHash { get; init; }

    /// <summary>The raw text, when the input is a text; the matcher embeds it only if some bank holds embeddings.</summary>
    public string? Text { get; init; }

    /// <summary>A ready sentence embedding (unit length), when the input was given as an <c>emb1:</c> signal.</summary>
    public float[]? TextEmbedding { get; init; }

    /// <summary>Why a signal is missing (e.g. the file is not an image), shown beside the result.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    private static readonly string[] TransformNames = ["original", "rotate 90", "rotate 180", "rotate 270", "flip x", "flip y", "transpose", "anti-transpose"];

    /// <summary>Hashes a media file: PDQ in all eight orientations if it is an image, MD5 and SHA-256 always.</summary>
    public static MatchProbe FromFile(string path, PdqWorkspace workspace, bool dihedral = true)
    {
        var digest = FileDigests.Compute(path);
        var notes = new List<string>();
        var pdq = new List<(string, Hash256)>();
        var quality = 0;
        try
        {
            var d = workspace.HashFileDihedral(path);
            quality = d.Quality;
            pdq.Add((TransformNames[0], d.Original));
            if (dihedral)
            {
                var transforms = Enum.GetValues<PdqTransform>();
                for (var i = 1; i < transforms.Length; i++)
                {
                    pdq.Add((TransformNames[i], d[transforms[i]]));
                }
            }
        }
        catch (ImageDecodeException e)
        {
            notes.Add("no PDQ: " + e.Message);
        }
        return new MatchProbe(path) { Pdq = pdq, PdqQuality = quality, Md5 = digest.Md5Hex, Sha256 = digest.Sha256Hex, Notes = notes };
    }

    public static MatchProbe FromText(string label, string text) =>
        new(label) { TextExact = TextHasher.ExactHash(text), TextMinHash = TextHasher.MinHash(text), Text = text };

    /// <summary>
    /// Reads a signal given as text: <c>pdq:HEX</c>, <c>md5:HEX</c>, <c>sha256:HEX</c>, <c>text_exact:HEX</c>,
    /// <c>text_minhash:mh1:...</c>, <c>text_embedding:emb1:...</c> (or bare <c>emb1:...</c>), or bare hex (32 digits: MD5; 64 digits: PDQ and SHA-256).
    /// </summary>
    public static bool TryParseSignal(string input, out MatchProbe? probe, out string? error)
    {
        probe = null;
        var text = input.Trim();
        if (text.StartsWith(EmbeddingSignal.Prefix, StringComparison.Ordinal))
        {
            // A bare embedding signal: its own prefix names the type.
            text = SignalType.TextEmbedding.Name() + ":" + text;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && SignalTypeNames.TryParse(text[..colon], out var type))
        {
            if (!SignalTypeNames.TryCanonicalise(type.Value, text[(colon + 1)..], out var canonical, out error))
            {
                error = $"{type.Value.Name()}: {error}";
                return false;
            }
            probe = type.Value switch
            {
                SignalType.Pdq => new MatchProbe(input) { Pdq = [("original", Hash256.Parse(canonical))] },
                SignalType.Md5 => new MatchProbe(input) { Md5 = canonical },
                SignalType.Sha256 => new MatchProbe(input) { Sha256 = canonical },
                SignalType.TextExact => new MatchProbe(input) { TextExact = canonical },
                SignalType.TextEmbedding => new MatchProbe(input) { TextEmbedding = EmbeddingSignal.Decode(canonical) },
                _ => new MatchProbe(input) { TextMinHash = MinHashSignature.Parse(canonical) },
            };
            return true;
        }
        if (text.Length is 32 or 64 && text.All(char.IsAsciiHexDigit))
        {
            var hex = text.ToLowerInvariant();
            probe = text.Length == 32
                ? new MatchProbe(input) { Md5 = hex }
                : new MatchProbe(input) { Pdq = [("original", Hash256.Parse(hex))], Sha256 = hex };
            error = null;
            return true;
        }
        error = string.Create(CultureInfo.InvariantCulture, $"'{Shorten(text)}' is neither a file nor a signal (pdq:HEX, md5:HEX, sha256:HEX, or 32/64 hex digits)");
        return false;
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..77] + "..." : s;
}
