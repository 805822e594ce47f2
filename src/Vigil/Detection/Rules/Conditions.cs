using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Banks;

namespace Vigil.Detection.Rules;

/// <summary>Per-evaluation state: the item, its normalised text (null when there is none) and the bank hits conditions matched.</summary>
internal sealed class EvaluationContext(ItemFacts item, string? text)
{
    public ItemFacts Item { get; } = item;

    public string? Text { get; } = text;

    public List<BankHitFact> MatchedHits { get; } = [];
}

/// <summary>A compiled condition. Evaluate adds a line of evidence for each value that matched.</summary>
internal abstract class Condition
{
    public abstract bool Evaluate(EvaluationContext context, List<string> evidence);

    public abstract string Describe();
}

internal sealed class AllCondition(IReadOnlyList<Condition> parts) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        var mark = evidence.Count;
        var hits = context.MatchedHits.Count;
        foreach (var p in parts)
        {
            if (!p.Evaluate(context, evidence))
            {
                // A failed conjunction is no reason for anything: drop what its earlier parts matched.
                evidence.RemoveRange(mark, evidence.Count - mark);
                context.MatchedHits.RemoveRange(hits, context.MatchedHits.Count - hits);
                return false;
            }
        }
        return true;
    }

    public override string Describe() => "all(" + string.Join(", ", parts.Select(p => p.Describe())) + ")";
}

internal sealed class AnyCondition(IReadOnlyList<Condition> parts) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        // Every branch is evaluated so the evidence names all the reasons, not just the first.
        var any = false;
        foreach (var p in parts)
        {
            any |= p.Evaluate(context, evidence);
        }
        return any;
    }

    public override string Describe() => "any(" + string.Join(", ", parts.Select(p => p.Describe())) + ")";
}

internal sealed class NotCondition(Condition inner) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        var scratch = new List<string>();
        var hits = context.MatchedHits.Count;
        var held = inner.Evaluate(context, scratch);
        // What matched inside a negation is never a reason the rule fired.
        context.MatchedHits.RemoveRange(hits, context.MatchedHits.Count - hits);
        if (held)
        {
            return false;
        }
        evidence.Add("not " + inner.Describe());
        return true;
    }

    public override string Describe() => "not(" + inner.Describe() + ")";
}

internal sealed record BankMatchSpec(string? Bank, SignalType? SignalType, int? MaxDistance, double? MinSimilarity,
    IReadOnlyList<string>? Entity, IReadOnlyList<string>? Ideology, IReadOnlyList<string>? ContentType, int? SeverityAtLeast);

internal sealed class BankMatchCondition(BankMatchSpec spec) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        var matched = false;
        foreach (var hit in context.Item.BankHits)
        {
            if (Matches(hit))
            {
                matched = true;
                context.MatchedHits.Add(hit);
                evidence.Add(Explain(hit));
            }
        }
        return matched;
    }

    private bool Matches(BankHitFact hit)
    {
        if (spec.Bank is not null && !string.Equals(spec.Bank, hit.Bank, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (spec.SignalType is { } t && t != hit.SignalType)
        {
            return false;
        }
        // Exact hashes have no distance: they count as distance 0 and similarity 1.
        if (spec.MaxDistance is { } max && (hit.Distance ?? 0) > max)
        {
            return false;
        }
        if (spec.MinSimilarity is { } min && (hit.Similarity ?? (hit.Distance is null or 0 ? 1.0 : 0.0)) < min)
        {
            return false;
        }
        var l = hit.Labels;
        return OneOf(spec.Entity, l.Entity) && OneOf(spec.Ideology, l.Ideology) && OneOf(spec.ContentType, l.ContentType)
            && (spec.SeverityAtLeast is not { } s || (l.Severity ?? 0) >= s);
    }

    private static bool OneOf(IReadOnlyList<string>? wanted, string? value) =>
        wanted is null || (value is not null && wanted.Any(w => string.Equals(w, value, StringComparison.OrdinalIgnoreCase)));

    private string Explain(BankHitFact hit)
    {
        var type = SignalTypeName(hit.SignalType);
        var text = $"bank_match {hit.Bank} {type}";
        if (hit.Distance is { } d)
        {
            text += spec.MaxDistance is { } max ? $" distance {d} <= {max}" : $" distance {d}";
        }
        if (hit.Similarity is { } s)
        {
            text += spec.MinSimilarity is { } min
                ? string.Create(CultureInfo.InvariantCulture, $" similarity {s:0.###} >= {min:0.###}")
                : string.Create(CultureInfo.InvariantCulture, $" similarity {s:0.###}");
        }
        if (spec.SeverityAtLeast is { } sev)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" severity {hit.Labels.Severity} >= {sev}");
        }
        return text;
    }

    public override string Describe() => "bank_match" + (spec.Bank is null ? "" : " " + spec.Bank) + (spec.SignalType is { } t ? " " + SignalTypeName(t) : "");

    internal static string SignalTypeName(SignalType t) => t switch
    {
        SignalType.Pdq => "pdq",
        SignalType.Md5 => "md5",
        SignalType.Sha256 => "sha256",
        SignalType.TextExact => "text_exact",
        SignalType.TextMinHash => "text_minhash",
        SignalType.TextEmbedding => "text_embedding",
        _ => t.ToString(),
    };
}

/// <summary>Whole-word (or whole-phrase) keywords over normalised text; the keywords are normalised at load.</summary>
internal sealed class TextContainsAnyCondition(IReadOnlyList<(string Written, string Normalized)> keywords) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        if (context.Text is not { } text)
        {
            return false;
        }
        var found = false;
        foreach (var (written, normalized) in keywords)
        {
            if (ContainsWord(text, normalized))
            {
                found = true;
                evidence.Add($"keyword '{written}' in text");
            }
        }
        return found;
    }

    // Normalised text is tokens separated by single spaces, so a word boundary is a space or an end.
    internal static bool ContainsWord(string text, string word)
    {
        if (word.Length == 0)
        {
            return false;
        }
        var start = 0;
        while (start <= text.Length - word.Length)
        {
            var i = text.IndexOf(word, start, StringComparison.Ordinal);
            if (i < 0)
            {
                return false;
            }
            var end = i + word.Length;
            if ((i == 0 || text[i - 1] == ' ') && (end == text.Length || text[end] == ' '))
            {
                return true;
            }
            start = i + 1;
        }
        return false;
    }

    public override string Describe() => "text_contains_any [" + string.Join(", ", keywords.Select(k => k.Written)) + "]";
}

/// <summary>A regular expression over normalised text; NonBacktracking, so matching is linear in the input.</summary>
internal sealed class TextMatchesCondition(string pattern, Regex regex) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        if (context.Text is not { } text)
        {
            return false;
        }
        try
        {
            var m = regex.Match(text);
            if (!m.Success)
            {
                return false;
            }
            evidence.Add($"text matches /{pattern}/ at '{Shorten(m.Value)}'");
            return true;
        }
        catch (RegexMatchTimeoutException)
        {
            // A belt-and-braces timeout: a pattern that runs out of time does not match.
            return false;
        }
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";

    public override string Describe() => $"text_matches /{pattern}/";
}

internal sealed class AtLeastCondition(string name, int minimum, Func<ItemFacts, int> value) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        var v = value(context.Item);
        if (v < minimum)
        {
            return false;
        }
        evidence.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {v} >= {minimum}"));
        return true;
    }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"{name} >= {minimum}");
}

internal sealed class ItemTypeCondition(IReadOnlySet<ItemType> types) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        if (!types.Contains(context.Item.Type))
        {
            return false;
        }
        evidence.Add("item_type " + RuleNames.ItemTypeName(context.Item.Type));
        return true;
    }

    public override string Describe() => "item_type [" + string.Join(", ", types.Select(RuleNames.ItemTypeName)) + "]";
}

internal sealed class E2eeCondition(bool wanted) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        if (context.Item.EndToEndEncrypted != wanted)
        {
            return false;
        }
        evidence.Add(wanted ? "e2ee true" : "e2ee false");
        return true;
    }

    public override string Describe() => wanted ? "e2ee true" : "e2ee false";
}

internal sealed class CountryCondition(IReadOnlySet<string> countries) : Condition
{
    public override bool Evaluate(EvaluationContext context, List<string> evidence)
    {
        if (context.Item.Country is not { } c || !countries.Contains(c.ToUpperInvariant()))
        {
            return false;
        }
        evidence.Add("country " + c.ToUpperInvariant());
        return true;
    }

    public override string Describe() => "country [" + string.Join(", ", countries) + "]";
}
