using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Hashing.Text;

namespace Vigil.Detection.Rules;

/// <summary>A rule ready to evaluate.</summary>
internal sealed record CompiledRule(string Id, string? Description, bool Enabled, RuleMode Mode, Condition When, IReadOnlyList<RuleAction> Then, string File, int Line, int Column);

/// <summary>
/// Turns one file's node tree into compiled rules, collecting every error with its position
/// instead of stopping at the first.
/// </summary>
internal sealed partial class RuleCompiler(string file, List<RuleError> errors)
{
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);
    private const int MaxPatternLength = 4096;
    private const string DefaultReason = "{rule}: {evidence}";
    private static readonly string[] RuleKeys = ["id", "description", "enabled", "mode", "when", "then"];
    private static readonly string[] ConditionKeys =
        ["all", "any", "not", "bank_match", "text_contains_any", "text_matches", "reports_at_least", "account_strikes_at_least", "item_type", "e2ee", "country"];
    private static readonly string[] BankMatchKeys = ["bank", "signal_type", "max_distance", "min_similarity", "label"];
    private static readonly string[] LabelKeys = ["entity", "ideology", "content_type", "severity_at_least"];

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex RuleIdPattern();

    public List<CompiledRule> CompileFile(YNode? root)
    {
        var rules = new List<CompiledRule>();
        if (root is null)
        {
            Error(1, 1, "the file is empty; expected a mapping with a 'rules:' list");
            return rules;
        }
        if (root is not YMapping top)
        {
            Error(root, $"expected a mapping with a 'rules:' list, found {root.Kind}");
            return rules;
        }
        YNode? list = null;
        foreach (var (key, value) in top.Entries)
        {
            if (key.Value == "rules")
            {
                list = value;
            }
            else
            {
                Error(key, $"unknown key '{key.Value}' at the top of a rules file; expected 'rules'");
            }
        }
        if (list is null)
        {
            Error(top, "missing 'rules:' list");
            return rules;
        }
        if (list is not YSequence seq)
        {
            Error(list, $"'rules' must be a list, found {list.Kind}");
            return rules;
        }
        foreach (var item in seq.Items)
        {
            if (CompileRule(item) is { } rule)
            {
                rules.Add(rule);
            }
        }
        return rules;
    }

    private CompiledRule? CompileRule(YNode node)
    {
        if (node is not YMapping map)
        {
            Error(node, $"a rule must be a mapping, found {node.Kind}");
            return null;
        }
        var before = errors.Count;
        string? id = null, description = null;
        var enabled = true;
        RuleMode? mode = null;
        Condition? when = null;
        List<RuleAction>? then = null;
        bool sawWhen = false, sawThen = false;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "id":
                    id = Text(value, "id");
                    if (id is not null && !RuleIdPattern().IsMatch(id))
                    {
                        Error(value, $"rule id '{id}' must be 1 to 100 of a-z 0-9 . _ - starting with a letter or digit");
                        id = null;
                    }
                    break;
                case "description":
                    description = Text(value, "description");
                    break;
                case "enabled":
                    enabled = Bool(value, "enabled") ?? true;
                    break;
                case "mode":
                    mode = Text(value, "mode") switch
                    {
                        null => null,
                        "enforce" => RuleMode.Enforce,
                        "shadow" => RuleMode.Shadow,
                        var other => ErrorNull<RuleMode?>(value, $"unknown mode '{other}'; expected enforce or shadow"),
                    };
                    break;
                case "when":
                    sawWhen = true;
                    when = ConditionOf(value, "when", 0);
                    break;
                case "then":
                    sawThen = true;
                    then = ActionsOf(value);
                    break;
                default:
                    Error(key, $"unknown rule key '{key.Value}'; known: {string.Join(", ", RuleKeys)}");
                    break;
            }
        }
        var has = map.Entries.Select(e => e.Key.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var required in new[] { "id", "mode" })
        {
            if (!has.Contains(required))
            {
                Error(map, $"rule is missing '{required}'");
            }
        }
        if (!sawWhen)
        {
            Error(map, "rule is missing 'when'");
        }
        if (!sawThen)
        {
            Error(map, "rule is missing 'then'");
        }
        if (errors.Count != before || id is null || mode is null || when is null || then is null)
        {
            return null;
        }
        return new CompiledRule(id, description, enabled, mode.Value, when, then, file, map.Line, map.Column);
    }

    private Condition? ConditionOf(YNode node, string what, int depth)
    {
        if (node is YScalar { Value: "", Quoted: false } || node is YMapping { Entries.Count: 0 })
        {
            Error(node, $"empty '{what}': give at least one condition");
            return null;
        }
        if (node is not YMapping map)
        {
            Error(node, $"'{what}' must be a mapping of conditions, found {node.Kind}");
            return null;
        }
        var parts = new List<Condition>();
        var ok = true;
        foreach (var (key, value) in map.Entries)
        {
            var c = OneCondition(key, value, depth);
            ok &= c is not null;
            if (c is not null)
            {
                parts.Add(c);
            }
        }
        // Several keys in one mapping must all hold.
        return !ok ? null : parts.Count == 1 ? parts[0] : new AllCondition(parts);
    }

    private Condition? OneCondition(YScalar key, YNode value, int depth)
    {
        switch (key.Value)
        {
            case "all":
            case "any":
            {
                if (value is not YSequence seq || seq.Items.Count == 0)
                {
                    Error(value, $"'{key.Value}' must be a non-empty list of conditions, found {(value is YSequence ? "an empty list" : value.Kind)}");
                    return null;
                }
                var parts = seq.Items.Select(i => ConditionOf(i, key.Value, depth + 1)).ToList();
                if (parts.Any(p => p is null))
                {
                    return null;
                }
                return key.Value == "all" ? new AllCondition(parts!) : new AnyCondition(parts!);
            }
            case "not":
                return ConditionOf(value, "not", depth + 1) is { } inner ? new NotCondition(inner) : null;
            case "bank_match":
                return BankMatch(value);
            case "text_contains_any":
                return Keywords(value);
            case "text_matches":
                return TextRegex(value);
            case "reports_at_least":
                return Int(value, key.Value, 0, int.MaxValue) is { } r ? new AtLeastCondition("reports", r, i => i.Reports) : null;
            case "account_strikes_at_least":
                return Int(value, key.Value, 0, int.MaxValue) is { } s ? new AtLeastCondition("account_strikes", s, i => i.AccountStrikes) : null;
            case "item_type":
            {
                var names = StringList(value, key.Value);
                if (names is null)
                {
                    return null;
                }
                var types = new HashSet<ItemType>();
                foreach (var (n, node) in names)
                {
                    if (RuleNames.ItemTypes.TryGetValue(n, out var t))
                    {
                        types.Add(t);
                    }
                    else
                    {
                        Error(node, $"unknown item type '{n}'; known: {string.Join(", ", RuleNames.ItemTypes.Keys)}");
                        return null;
                    }
                }
                return new ItemTypeCondition(types);
            }
            case "e2ee":
                return Bool(value, "e2ee") is { } b ? new E2eeCondition(b) : null;
            case "country":
            {
                var names = StringList(value, key.Value);
                if (names is null)
                {
                    return null;
                }
                var set = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (n, node) in names)
                {
                    if (n.Length != 2 || !char.IsAsciiLetterUpper(n[0]) || !char.IsAsciiLetterUpper(n[1]))
                    {
                        Error(node, $"country '{n}' must be an ISO 3166-1 alpha-2 code in capitals, such as DE");
                        return null;
                    }
                    set.Add(n);
                }
                return new CountryCondition(set);
            }
            default:
                Error(key, $"unknown condition '{key.Value}'; known: {string.Join(", ", ConditionKeys)}");
                return null;
        }
    }

    private BankMatchCondition? BankMatch(YNode value)
    {
        // "bank_match:" with nothing after it means any positive bank hit.
        if (value is YScalar { Value: "", Quoted: false })
        {
            return new BankMatchCondition(new BankMatchSpec(null, null, null, null, null, null, null, null));
        }
        if (value is not YMapping map)
        {
            Error(value, $"'bank_match' must be a mapping, found {value.Kind}");
            return null;
        }
        var before = errors.Count;
        string? bank = null;
        Banks.SignalType? type = null;
        int? maxDistance = null;
        double? minSimilarity = null;
        IReadOnlyList<string>? entity = null, ideology = null, contentType = null;
        int? severity = null;
        YNode? distanceNode = null, similarityNode = null;
        foreach (var (key, v) in map.Entries)
        {
            switch (key.Value)
            {
                case "bank":
                    bank = Text(v, "bank");
                    break;
                case "signal_type":
                    var name = Text(v, "signal_type");
                    if (name is not null)
                    {
                        if (RuleNames.SignalTypes.TryGetValue(name, out var t))
                        {
                            type = t;
                        }
                        else
                        {
                            Error(v, $"unknown signal type '{name}'; known: {string.Join(", ", RuleNames.SignalTypes.Keys)}");
                        }
                    }
                    break;
                case "max_distance":
                    distanceNode = v;
                    maxDistance = Int(v, "max_distance", 0, 256);
                    break;
                case "min_similarity":
                    similarityNode = v;
                    minSimilarity = Double(v, "min_similarity", 0, 1);
                    break;
                case "label":
                    if (v is not YMapping labels || labels.Entries.Count == 0)
                    {
                        Error(v, $"'label' must be a non-empty mapping of {string.Join(", ", LabelKeys)}");
                        break;
                    }
                    foreach (var (lk, lv) in labels.Entries)
                    {
                        switch (lk.Value)
                        {
                            case "entity":
                                entity = StringList(lv, "entity")?.Select(p => p.Value).ToList();
                                break;
                            case "ideology":
                                ideology = StringList(lv, "ideology")?.Select(p => p.Value).ToList();
                                break;
                            case "content_type":
                                contentType = StringList(lv, "content_type")?.Select(p => p.Value).ToList();
                                break;
                            case "severity_at_least":
                                severity = Int(lv, "severity_at_least", 1, 5);
                                break;
                            default:
                                Error(lk, $"unknown label key '{lk.Value}'; known: {string.Join(", ", LabelKeys)}");
                                break;
                        }
                    }
                    break;
                default:
                    Error(key, $"unknown bank_match key '{key.Value}'; known: {string.Join(", ", BankMatchKeys)}");
                    break;
            }
        }
        if (distanceNode is not null && type is not (null or Banks.SignalType.Pdq))
        {
            Error(distanceNode, "'max_distance' applies only to pdq matches");
        }
        if (similarityNode is not null && type is not (null or Banks.SignalType.TextMinHash or Banks.SignalType.TextEmbedding))
        {
            Error(similarityNode, "'min_similarity' applies only to text_minhash and text_embedding matches");
        }
        return errors.Count != before ? null
            : new BankMatchCondition(new BankMatchSpec(bank, type, maxDistance, minSimilarity, entity, ideology, contentType, severity));
    }

    private TextContainsAnyCondition? Keywords(YNode value)
    {
        var words = StringList(value, "text_contains_any");
        if (words is null)
        {
            return null;
        }
        var keywords = new List<(string, string)>();
        foreach (var (w, node) in words)
        {
            var normalized = TextNormalizer.Normalize(w);
            if (normalized.Length == 0)
            {
                Error(node, $"keyword '{w}' has no letters or digits left after normalisation");
                return null;
            }
            keywords.Add((w, normalized));
        }
        return new TextContainsAnyCondition(keywords);
    }

    private TextMatchesCondition? TextRegex(YNode value)
    {
        if (Text(value, "text_matches") is not { } pattern)
        {
            return null;
        }
        if (pattern.Length == 0 || pattern.Length > MaxPatternLength)
        {
            Error(value, $"'text_matches' pattern must be 1 to {MaxPatternLength} characters");
            return null;
        }
        try
        {
            // NonBacktracking: matching time is linear in the text whatever the pattern, so a hostile
            // pattern cannot hang a worker; the timeout is a second guard.
            var regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, RegexTimeout);
            return new TextMatchesCondition(pattern, regex);
        }
        catch (RegexParseException e)
        {
            var s = (YScalar)value;
            Error(s.Line, s.Column + (s.Quoted ? 1 : 0) + Math.Max(0, e.Offset - 1), $"invalid regular expression: {e.Error} at offset {e.Offset}");
        }
        catch (NotSupportedException e)
        {
            Error(value, "regular expression uses a construct that linear-time matching does not support (backreferences, lookarounds, atomic groups): " + e.Message);
        }
        catch (ArgumentException e)
        {
            Error(value, "invalid regular expression: " + e.Message);
        }
        return null;
    }

    private List<RuleAction>? ActionsOf(YNode node)
    {
        if (node is not YSequence seq || seq.Items.Count == 0)
        {
            Error(node, $"'then' must be a non-empty list of actions, found {(node is YSequence ? "an empty list" : node.Kind)}");
            return null;
        }
        var actions = new List<RuleAction>();
        var ok = true;
        foreach (var item in seq.Items)
        {
            var a = Action(item);
            ok &= a is not null;
            if (a is not null)
            {
                actions.Add(a);
            }
        }
        return ok ? actions : null;
    }

    private RuleAction? Action(YNode node)
    {
        YScalar nameNode;
        YNode? options;
        if (node is YScalar s)
        {
            (nameNode, options) = (s, null);
        }
        else if (node is YMapping { Entries.Count: 1 } m)
        {
            (nameNode, options) = (m.Entries[0].Key, m.Entries[0].Value);
            if (options is YScalar { Value: "", Quoted: false })
            {
                options = null;
            }
        }
        else
        {
            Error(node, "an action is a name (remove) or a name with options (review: {priority: 3})");
            return null;
        }
        if (!RuleNames.Actions.TryGetValue(nameNode.Value, out var kind))
        {
            Error(nameNode, $"unknown action '{nameNode.Value}'; known: {string.Join(", ", RuleNames.Actions.Keys)}");
            return null;
        }
        var before = errors.Count;
        ReasonTemplate? reason = null;
        PriorityExpression? priority = null;
        string? queue = null, country = null;
        if (options is not null and not YMapping)
        {
            Error(options, $"options of '{nameNode.Value}' must be a mapping, found {options.Kind}");
            return null;
        }
        foreach (var (key, v) in (options as YMapping)?.Entries ?? [])
        {
            switch (key.Value)
            {
                case "reason":
                    if (Text(v, "reason") is { } r)
                    {
                        reason = ReasonTemplate.Parse(r, out var error);
                        if (error is not null)
                        {
                            Error(v, error);
                        }
                    }
                    break;
                case "priority" when kind == ActionKind.Review:
                    if (Text(v, "priority") is { } p)
                    {
                        priority = PriorityExpression.Parse(p, out var error, out var offset);
                        if (error is not null)
                        {
                            var ps = (YScalar)v;
                            Error(ps.Line, ps.Column + (ps.Quoted ? 1 : 0) + offset, error);
                        }
                    }
                    break;
                case "queue" when kind == ActionKind.Review:
                    queue = Text(v, "queue");
                    break;
                case "authority_country" when kind == ActionKind.Refer:
                    country = Text(v, "authority_country");
                    if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
                    {
                        Error(v, $"authority_country '{country}' must be an ISO 3166-1 alpha-2 code in capitals, such as DE");
                    }
                    break;
                default:
                    var known = kind switch
                    {
                        ActionKind.Review => "reason, priority, queue",
                        ActionKind.Refer => "reason, authority_country",
                        _ => "reason",
                    };
                    Error(key, $"unknown option '{key.Value}' for action '{nameNode.Value}'; known: {known}");
                    break;
            }
        }
        if (kind == ActionKind.Refer && reason is null && errors.Count == before)
        {
            Error(nameNode, "'refer' needs a 'reason': an authority must be told why");
        }
        if (errors.Count != before)
        {
            return null;
        }
        return new RuleAction(kind, reason ?? ReasonTemplate.Parse(DefaultReason, out _)!, priority, queue, country);
    }

    private string? Text(YNode node, string field)
    {
        if (node is YScalar s)
        {
            return s.Value;
        }
        Error(node, $"'{field}' must be a scalar, found {node.Kind}");
        return null;
    }

    private bool? Bool(YNode node, string field)
    {
        if (node is YScalar s)
        {
            switch (s.Value)
            {
                case "true" when !s.Quoted:
                    return true;
                case "false" when !s.Quoted:
                    return false;
            }
        }
        Error(node, $"'{field}' must be true or false");
        return null;
    }

    private int? Int(YNode node, string field, int min, int max)
    {
        if (node is YScalar { Quoted: false } s && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
        {
            return v;
        }
        Error(node, max == int.MaxValue ? $"'{field}' must be a whole number >= {min}" : $"'{field}' must be a whole number from {min} to {max}");
        return null;
    }

    private double? Double(YNode node, string field, double min, double max)
    {
        if (node is YScalar { Quoted: false } s && double.TryParse(s.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max)
        {
            return v;
        }
        Error(node, string.Create(CultureInfo.InvariantCulture, $"'{field}' must be a number from {min} to {max}"));
        return null;
    }

    /// <summary>A list of scalars, or one scalar standing for a list of one.</summary>
    private List<(string Value, YNode Node)>? StringList(YNode node, string field)
    {
        if (node is YScalar { Value: not "" } one)
        {
            return [(one.Value, one)];
        }
        if (node is YSequence { Items.Count: > 0 } seq)
        {
            var list = new List<(string, YNode)>();
            foreach (var item in seq.Items)
            {
                if (item is not YScalar s)
                {
                    Error(item, $"'{field}' items must be scalars, found {item.Kind}");
                    return null;
                }
                list.Add((s.Value, s));
            }
            return list;
        }
        Error(node, $"'{field}' must be a non-empty list of values");
        return null;
    }

    private T? ErrorNull<T>(YNode node, string message)
    {
        Error(node, message);
        return default;
    }

    private void Error(YNode node, string message) => Error(node.Line, node.Column, message);

    private void Error(int line, int column, string message) => errors.Add(new RuleError(file, line, column, message));
}
