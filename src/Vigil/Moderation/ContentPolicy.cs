using System.Collections.Frozen;
using System.Globalization;
using Vigil.Detection.Rules;

namespace Vigil.Moderation;

/// <summary>Why a policy's content is actioned: it is illegal (a legal ground) or it breaks the terms (a clause).</summary>
public enum PolicyGround
{
    Illegal,
    Incompatible,
}

/// <summary>One written policy a decision is taken against.</summary>
/// <param name="Id">Stable id (lower-case letters, digits, '-', '_').</param>
/// <param name="Reference">The legal ground (illegal) or the terms clause (incompatible).</param>
/// <param name="Category">DSA Transparency Database category, <c>STATEMENT_CATEGORY_...</c>.</param>
public sealed record PolicyEntry(string Id, string Title, string Text, PolicyGround Ground, string Reference, string Category, string? ReferenceUrl, int Line);

/// <summary>A problem in the policy file, with its position.</summary>
public sealed class ContentPolicyException(IReadOnlyList<RuleError> errors)
    : Exception("content policy: " + string.Join("; ", errors.Select(e => e.ToString())))
{
    public IReadOnlyList<RuleError> Errors { get; } = errors;
}

/// <summary>
/// The written content policy (<c>policies/content-policy.yaml</c>): the policies moderators decide against, each with
/// its ground. Loaded once at start; a bad file stops the start with line-numbered errors.
/// </summary>
public sealed class ContentPolicy
{
    /// <summary>The DSA Transparency Database categories a policy may name.</summary>
    public static readonly FrozenSet<string> Categories = FrozenSet.ToFrozenSet(
    [
        "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM",
        "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE", "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS", "STATEMENT_CATEGORY_VIOLENCE",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> Keys = FrozenSet.ToFrozenSet(
        ["id", "title", "text", "ground", "legal_ground", "clause", "category", "reference_url"], StringComparer.Ordinal);

    private ContentPolicy(IReadOnlyList<PolicyEntry> policies)
    {
        Policies = policies;
        ById = policies.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<PolicyEntry> Policies { get; }

    public FrozenDictionary<string, PolicyEntry> ById { get; }

    /// <summary>Loads and validates a policy file; throws <see cref="ContentPolicyException"/> with every problem found.</summary>
    public static ContentPolicy Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ContentPolicyException([new RuleError(path, 0, 0, "file not found")]);
        }
        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Parses policy YAML; <paramref name="file"/> names it in errors.</summary>
    public static ContentPolicy Parse(string file, string text)
    {
        var errors = new List<RuleError>();
        var root = YamlTree.Parse(file, text, errors);
        var policies = new List<PolicyEntry>();
        if (errors.Count == 0)
        {
            if (root is not YMapping top)
            {
                errors.Add(new RuleError(file, root?.Line ?? 1, root?.Column ?? 1, "expected a mapping with 'version' and 'policies'"));
            }
            else
            {
                ReadTop(file, top, policies, errors);
            }
        }
        if (errors.Count > 0)
        {
            throw new ContentPolicyException(errors);
        }
        return new ContentPolicy(policies);
    }

    private static void ReadTop(string file, YMapping top, List<PolicyEntry> policies, List<RuleError> errors)
    {
        YNode? list = null;
        foreach (var (key, value) in top.Entries)
        {
            switch (key.Value)
            {
                case "version":
                    if (value is not YScalar { Value: "1" })
                    {
                        errors.Add(new RuleError(file, value.Line, value.Column, "'version' must be 1"));
                    }
                    break;
                case "policies":
                    list = value;
                    break;
                default:
                    errors.Add(new RuleError(file, key.Line, key.Column, $"unknown key '{key.Value}' (expected 'version', 'policies')"));
                    break;
            }
        }
        if (list is not YSequence seq || seq.Items.Count == 0)
        {
            errors.Add(new RuleError(file, list?.Line ?? top.Line, list?.Column ?? top.Column, "'policies' must be a non-empty list"));
            return;
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in seq.Items)
        {
            if (item is not YMapping m)
            {
                errors.Add(new RuleError(file, item.Line, item.Column, $"a policy must be a mapping, not {item.Kind}"));
                continue;
            }
            var p = ReadPolicy(file, m, errors);
            if (p is null)
            {
                continue;
            }
            if (seen.TryGetValue(p.Id, out var first))
            {
                errors.Add(new RuleError(file, p.Line, 1, string.Create(CultureInfo.InvariantCulture, $"duplicate policy id '{p.Id}' (first on line {first})")));
                continue;
            }
            seen[p.Id] = p.Line;
            policies.Add(p);
        }
    }

    private static PolicyEntry? ReadPolicy(string file, YMapping m, List<RuleError> errors)
    {
        var fields = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        var before = errors.Count;
        foreach (var (key, value) in m.Entries)
        {
            if (!Keys.Contains(key.Value))
            {
                errors.Add(new RuleError(file, key.Line, key.Column, $"unknown key '{key.Value}' (expected {string.Join(", ", Keys.Order(StringComparer.Ordinal))})"));
            }
            else if (value is not YScalar s || s.Value.Trim().Length == 0)
            {
                errors.Add(new RuleError(file, value.Line, value.Column, $"'{key.Value}' must be a non-empty text"));
            }
            else
            {
                fields[key.Value] = s;
            }
        }
        string? Required(string name)
        {
            if (fields.TryGetValue(name, out var v))
            {
                return v.Value.Trim();
            }
            errors.Add(new RuleError(file, m.Line, m.Column, $"policy is missing '{name}'"));
            return null;
        }
        var id = Required("id");
        var title = Required("title");
        var text = Required("text");
        var groundText = Required("ground");
        var category = Required("category");
        if (id is not null && (id.Length > 100 || !id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_')))
        {
            errors.Add(new RuleError(file, fields["id"].Line, fields["id"].Column, $"id '{id}' must be 1-100 of a-z, 0-9, '-', '_'"));
        }
        if (category is not null && !Categories.Contains(category))
        {
            errors.Add(new RuleError(file, fields["category"].Line, fields["category"].Column, $"category '{category}' is not a DSA statement category (STATEMENT_CATEGORY_...)"));
        }
        PolicyGround? ground = groundText switch
        {
            "illegal" => PolicyGround.Illegal,
            "incompatible" => PolicyGround.Incompatible,
            null => null,
            _ => null,
        };
        string? reference = null;
        if (groundText is not null && ground is null)
        {
            errors.Add(new RuleError(file, fields["ground"].Line, fields["ground"].Column, $"ground '{groundText}' must be 'illegal' or 'incompatible'"));
        }
        else if (ground == PolicyGround.Illegal)
        {
            reference = fields.TryGetValue("legal_ground", out var lg) ? lg.Value.Trim() : null;
            if (reference is null)
            {
                errors.Add(new RuleError(file, m.Line, m.Column, "ground 'illegal' needs 'legal_ground' (e.g. \"Regulation (EU) 2021/784 (TCO) Art. 2(7)\")"));
            }
            if (fields.TryGetValue("clause", out var c))
            {
                errors.Add(new RuleError(file, c.Line, c.Column, "'clause' belongs to ground 'incompatible'; use 'legal_ground'"));
            }
        }
        else if (ground == PolicyGround.Incompatible)
        {
            reference = fields.TryGetValue("clause", out var c) ? c.Value.Trim() : null;
            if (reference is null)
            {
                errors.Add(new RuleError(file, m.Line, m.Column, "ground 'incompatible' needs 'clause' (the terms clause relied on)"));
            }
            if (fields.TryGetValue("legal_ground", out var lg))
            {
                errors.Add(new RuleError(file, lg.Line, lg.Column, "'legal_ground' belongs to ground 'illegal'; use 'clause'"));
            }
        }
        if (reference is { Length: > 500 })
        {
            errors.Add(new RuleError(file, m.Line, m.Column, "the legal ground or clause is limited to 500 characters"));
        }
        if (errors.Count > before)
        {
            return null;
        }
        var url = fields.TryGetValue("reference_url", out var u) ? u.Value.Trim() : null;
        return new PolicyEntry(id!, title!, text!, ground!.Value, reference!, category!, url, m.Line);
    }
}
