using Vigil.Banks;
using Vigil.Detection.Rules;

namespace Vigil.Tests.Detection.Rules;

/// <summary>Builds rule sets from inline YAML and items with a few intent methods.</summary>
internal static class RuleTestKit
{
    public static RuleLoadResult Compile(string yaml, string file = "test.yaml") => RuleSet.Compile([new RuleSource(file, yaml)]);

    public static RuleSet Compiled(string yaml)
    {
        var result = Compile(yaml);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return result.Rules!;
    }

    /// <summary>A one-rule set in enforce mode with the given when-block (indented as under 'when:').</summary>
    public static RuleSet When(string when, string then = "[remove]", string mode = "enforce") => Compiled(
        "rules:\n  - id: r1\n    mode: " + mode + "\n    when:\n" + Indent(when, 6) + "\n    then:" + (then.Contains('\n', StringComparison.Ordinal) ? "\n" + Indent(then.Trim('\n'), 6) : " " + then) + "\n");

    public static ItemFacts Post(string? text = null) => new("item-1", ItemType.Post) { Text = text };

    public static BankHitFact Pdq(string bank, int distance, int severity = 4, string entity = "demo-group") =>
        new(bank, SignalType.Pdq, distance, null, new BankLabels(entity, "demo-ideology", "image", severity));

    public static BankHitFact Exact(string bank, SignalType type, int severity = 4) =>
        new(bank, type, null, null, new BankLabels("demo-group", "demo-ideology", "video", severity));

    public static BankHitFact MinHash(string bank, double similarity, int severity = 3) =>
        new(bank, SignalType.TextMinHash, null, similarity, new BankLabels("demo-group", "demo-ideology", "text", severity));

    private static string Indent(string text, int spaces)
    {
        var pad = new string(' ', spaces);
        return string.Join("\n", text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => pad + l));
    }
}
