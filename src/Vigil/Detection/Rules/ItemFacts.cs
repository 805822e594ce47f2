using Vigil.Banks;
using Vigil.Matching;

namespace Vigil.Detection.Rules;

/// <summary>What kind of item is being judged; rule files spell these in snake_case.</summary>
public enum ItemType
{
    Post,
    Comment,
    DirectMessage,
    Image,
    Video,
    Profile,
}

/// <summary>Labels a bank entry carries.</summary>
public sealed record BankLabels(string? Entity = null, string? Ideology = null, string? ContentType = null, int? Severity = null);

/// <summary>One bank match of the item, as the rules see it.</summary>
public sealed record BankHitFact(string Bank, SignalType SignalType, int? Distance, double? Similarity, BankLabels Labels)
{
    /// <summary>
    /// 0..1: 1 for exact hashes, the MinHash similarity for near-duplicate text, and for PDQ
    /// 1 - distance/128 (128 is what two unrelated 256-bit hashes differ by on average).
    /// </summary>
    public double Confidence => Similarity ?? (Distance is { } d ? Math.Clamp(1 - (d / 128.0), 0, 1) : 1);

    /// <summary>The rules' view of a matcher hit; null for vetoed hits and negative-bank hits, which must never drive enforcement.</summary>
    public static BankHitFact? From(MatchHit hit)
    {
        ArgumentNullException.ThrowIfNull(hit);
        if (hit.Vetoed || hit.Entry.Kind != BankKind.Positive)
        {
            return null;
        }
        var e = hit.Entry;
        return new BankHitFact(e.Bank, e.Type, hit.Distance, hit.Similarity, new BankLabels(e.Entity, e.Ideology, e.ContentType, e.Severity));
    }
}

/// <summary>
/// Everything the rules may look at for one item. End-to-end encrypted items carry no text: any text
/// given for them is ignored, so text conditions are simply false.
/// </summary>
public sealed record ItemFacts(string ItemId, ItemType Type)
{
    /// <summary>True for end-to-end encrypted items.</summary>
    public bool EndToEndEncrypted { get; init; }

    /// <summary>Raw text; normalised with <see cref="Vigil.Hashing.Text.TextNormalizer"/> before matching.</summary>
    public string? Text { get; init; }

    /// <summary>Already-normalised text; when set, <see cref="Text"/> is not normalised again.</summary>
    public string? NormalizedText { get; init; }

    /// <summary>Positive, unvetoed bank matches.</summary>
    public IReadOnlyList<BankHitFact> BankHits { get; init; } = [];

    /// <summary>User reports against the item.</summary>
    public int Reports { get; init; }

    /// <summary>Strikes the posting account already has.</summary>
    public int AccountStrikes { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country of the item, upper case, when known.</summary>
    public string? Country { get; init; }
}
