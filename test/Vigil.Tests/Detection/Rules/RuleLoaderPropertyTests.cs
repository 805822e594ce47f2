using CsCheck;
using Vigil.Detection.Rules;
using Vigil.Tests.Support;

namespace Vigil.Tests.Detection.Rules;

/// <summary>Whatever text a rules file holds, the loader answers with rules or positioned errors, never an exception.</summary>
public class RuleLoaderPropertyTests
{
    // Characters that matter to YAML and to the rules grammar, plus some that matter to neither.
    private const string Alphabet = "abcdeimnorstwy_-:[]{},&*!|>'\"#%@`?\\ \t\n\r0123456789.()/+x$^\u00A0\u0456\uFEFF";

    private static readonly string[] Seeds =
    [
        File.ReadAllText(Path.Combine(Repo.Root, "rules", "terrorism.yaml")),
        """
        rules:
          - id: a
            mode: shadow
            when:
              all:
                - any: [{text_matches: 'k(i|1)ll'}, {reports_at_least: 2}]
                - not: {bank_match: {bank: allow, signal_type: md5}}
                - country: [DE]
            then:
              - review: {priority: severity x (confidence + 1), queue: q, reason: "{rule} {evidence}"}
              - refer: {authority_country: FR, reason: why}
        """,
    ];

    private static void AssertWellFormed(RuleLoadResult result, string text)
    {
        if (result.Succeeded)
        {
            Assert.Empty(result.Errors);
            // Whatever compiled must also evaluate without throwing.
            result.Rules!.Evaluate(new ItemFacts("i", ItemType.Post) { Text = text, Reports = 3, Country = "DE" });
        }
        else
        {
            Assert.NotEmpty(result.Errors);
            foreach (var e in result.Errors)
            {
                Assert.True(e.Line >= 1 && e.Column >= 1, e.ToString());
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
            }
        }
    }

    [Fact]
    public void ArbitraryText_NeverThrows()
    {
        Gen.Char[Alphabet].Array[0, 300].Select(chars => new string(chars))
            .Sample(text => AssertWellFormed(RuleSet.Compile([new RuleSource("fuzz.yaml", text)]), text), iter: 3000);
    }

    [Fact]
    public void MutatedValidRules_NeverThrow()
    {
        var edit = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 5000], Gen.Char[Alphabet].Array[0, 12]);
        Gen.Select(Gen.Int[0, Seeds.Length - 1], edit.Array[1, 6])
            .Select(t => Mutate(Seeds[t.Item1], t.Item2))
            .Sample(text => AssertWellFormed(RuleSet.Compile([new RuleSource("fuzz.yaml", text)]), text), iter: 600);
    }

    private static string Mutate(string text, (int Kind, int Position, char[] Fragment)[] edits)
    {
        foreach (var (kind, position, fragment) in edits)
        {
            var at = position % (text.Length + 1);
            var length = Math.Min(fragment.Length, text.Length - at);
            text = kind switch
            {
                0 => text.Insert(at, new string(fragment)),
                1 => text.Remove(at, length),
                2 => text.Remove(at, length).Insert(at, new string(fragment)),
                // Duplicate a stretch: makes repeated keys, ids and deeper structures.
                3 => text.Insert(at, text.Substring(at, Math.Min(text.Length - at, 40 + (fragment.Length * 8)))),
                // Shift indentation of the line, the commonest YAML mistake.
                _ => text.Insert(text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1, new string(' ', 1 + (fragment.Length % 4))),
            };
        }
        return text;
    }
}
