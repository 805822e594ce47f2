using Vigil.Hashing.Text;

namespace Vigil.Detection.Rules;

/// <summary>One rules file's name and text.</summary>
public sealed record RuleSource(string File, string Text);

/// <summary>The outcome of loading rules: the compiled set, or every error found (never both).</summary>
public sealed record RuleLoadResult(RuleSet? Rules, IReadOnlyList<RuleError> Errors)
{
    /// <summary>True when the rules compiled without any error.</summary>
    public bool Succeeded => Rules is not null;
}

/// <summary>
/// An immutable, compiled set of detection rules (docs/rules.md). Evaluation is a pure function of
/// the item: no I/O, no clock, deterministic, safe to share between threads.
/// </summary>
public sealed class RuleSet
{
    /// <summary>Largest rules file accepted; rules files are small, and this bounds hostile input.</summary>
    public const int MaxFileBytes = 1 << 20;

    private readonly IReadOnlyList<CompiledRule> rules;

    private RuleSet(IReadOnlyList<CompiledRule> rules) => this.rules = rules;

    /// <summary>A set with no rules: every item gets an empty decision.</summary>
    public static RuleSet Empty { get; } = new([]);

    /// <summary>Ids of all rules, enabled or not, in evaluation order.</summary>
    public IReadOnlyList<string> RuleIds => rules.Select(r => r.Id).ToList();

    /// <summary>Number of rules, enabled or not.</summary>
    public int Count => rules.Count;

    /// <summary>
    /// Loads every *.yaml and *.yml file directly in <paramref name="folder"/>, in ordinal file-name
    /// order. Never throws for bad content or unreadable files: those come back as errors.
    /// </summary>
    public static RuleLoadResult Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            return new RuleLoadResult(null, [new RuleError(folder, 1, 1, "rules folder does not exist")]);
        }
        var sources = new List<RuleSource>();
        var errors = new List<RuleError>();
        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var path in files)
        {
            try
            {
                if (new FileInfo(path).Length > MaxFileBytes)
                {
                    errors.Add(new RuleError(path, 1, 1, $"file is larger than {MaxFileBytes} bytes"));
                    continue;
                }
                sources.Add(new RuleSource(path, File.ReadAllText(path)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new RuleError(path, 1, 1, "cannot read file: " + e.Message));
            }
        }
        var result = Compile(sources);
        return errors.Count == 0 ? result : new RuleLoadResult(null, [.. errors, .. result.Errors]);
    }

    /// <summary>Compiles rules from in-memory files; rule ids must be unique across all of them.</summary>
    public static RuleLoadResult Compile(IEnumerable<RuleSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var errors = new List<RuleError>();
        var all = new List<CompiledRule>();
        var seen = new Dictionary<string, CompiledRule>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (source.Text.Length > MaxFileBytes)
            {
                errors.Add(new RuleError(source.File, 1, 1, $"file is larger than {MaxFileBytes} bytes"));
                continue;
            }
            var root = YamlTree.Parse(source.File, source.Text, errors);
            if (root is null && errors.Count > 0 && errors[^1].File == source.File)
            {
                continue;
            }
            foreach (var rule in new RuleCompiler(source.File, errors).CompileFile(root))
            {
                if (seen.TryGetValue(rule.Id, out var first))
                {
                    errors.Add(new RuleError(rule.File, rule.Line, rule.Column,
                        $"duplicate rule id '{rule.Id}': already defined at {first.File}:{first.Line}:{first.Column}"));
                    continue;
                }
                seen.Add(rule.Id, rule);
                all.Add(rule);
            }
        }
        return errors.Count > 0 ? new RuleLoadResult(null, errors) : new RuleLoadResult(new RuleSet(all), []);
    }

    /// <summary>Evaluates every enabled rule against <paramref name="item"/>, in order.</summary>
    public Decision Evaluate(ItemFacts item)
    {
        ArgumentNullException.ThrowIfNull(item);
        // End-to-end encrypted items have no text to the platform, whatever the caller passed.
        var text = item.EndToEndEncrypted ? null
            : item.NormalizedText ?? (item.Text is { } raw ? TextNormalizer.Normalize(raw) : null);
        var fired = new List<RuleFiring>();
        var enforced = new List<PlannedAction>();
        var shadow = new List<PlannedAction>();
        foreach (var rule in rules)
        {
            if (!rule.Enabled)
            {
                continue;
            }
            var context = new EvaluationContext(item, text);
            var evidence = new List<string>();
            if (!rule.When.Evaluate(context, evidence))
            {
                continue;
            }
            var hits = context.MatchedHits.Distinct().ToList();
            var values = new FiringValues(
                hits.Count == 0 ? 0 : hits.Max(h => h.Labels.Severity ?? 0),
                hits.Count == 0 ? 1 : hits.Max(h => h.Confidence),
                item.Reports,
                item.AccountStrikes);
            fired.Add(new RuleFiring(rule.Id, rule.Mode, evidence));
            var target = rule.Mode == RuleMode.Enforce ? enforced : shadow;
            foreach (var action in rule.Then)
            {
                target.Add(action.Plan(rule.Id, item, evidence, hits, values));
            }
        }
        return new Decision(item.ItemId, fired, enforced, shadow);
    }
}
