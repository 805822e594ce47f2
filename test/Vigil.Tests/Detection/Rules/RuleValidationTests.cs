using Vigil.Detection.Rules;
using static Vigil.Tests.Detection.Rules.RuleTestKit;

namespace Vigil.Tests.Detection.Rules;

public class RuleValidationTests
{
    private static RuleError SingleError(string yaml)
    {
        var result = Compile(yaml);
        Assert.False(result.Succeeded);
        Assert.Null(result.Rules);
        return Assert.Single(result.Errors);
    }

    private static void AssertError(RuleError error, int line, int column, string fragment)
    {
        Assert.Equal("test.yaml", error.File);
        Assert.True((line, column) == (error.Line, error.Column), $"expected {line}:{column}, got {error}");
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownRuleKey_IsReportedAtTheKey()
    {
        var error = SingleError("""
            rules:
              - id: a
                mode: enforce
                colour: red
                when: {reports_at_least: 1}
                then: [remove]
            """);

        AssertError(error, 4, 5, "unknown rule key 'colour'");
        Assert.Equal("test.yaml:4:5: unknown rule key 'colour'; known: id, description, enabled, mode, when, then", error.ToString());
    }

    [Fact]
    public void WrongType_IsReportedAtTheValue()
    {
        var error = SingleError("""
            rules:
              - id: a
                mode: enforce
                when: {reports_at_least: many}
                then: [remove]
            """);

        AssertError(error, 4, 30, "'reports_at_least' must be a whole number >= 0");
    }

    [Fact]
    public void UnknownSignalType_IsReportedAtTheValue()
    {
        var error = SingleError("""
            rules:
              - id: a
                mode: enforce
                when:
                  bank_match:
                    signal_type: phash
                then: [remove]
            """);

        AssertError(error, 6, 22, "unknown signal type 'phash'; known: pdq, md5, sha256, text_exact, text_minhash, text_embedding");
    }

    [Fact]
    public void InvalidRegex_IsReportedWithinThePattern()
    {
        var error = SingleError("""
            rules:
              - id: a
                mode: enforce
                when:
                  text_matches: ab[c
                then: [remove]
            """);

        // Line 5: "      text_matches: ab[c"; the pattern starts at column 21 and the unclosed set is reported at its end, column 24.
        Assert.StartsWith("invalid regular expression", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.Line);
        Assert.Equal(24, error.Column);
    }

    [Theory]
    [InlineData(@"'(a)\1'")]
    [InlineData("'(?=kill)kill'")]
    [InlineData("'(?<!x)kill'")]
    [InlineData("'(?>a+)b'")]
    public void BacktrackingOnlyRegexConstructs_AreRejectedAtLoad(string pattern)
    {
        var error = SingleError($"""
            rules:
              - id: a
                mode: enforce
                when: {"{"}text_matches: {pattern}{"}"}
                then: [remove]
            """);

        AssertError(error, 4, 26, "linear-time");
    }

    [Fact]
    public void DuplicateRuleId_AcrossFiles_PointsAtBothDefinitions()
    {
        const string rule = """
            rules:
              - id: same
                mode: enforce
                when: {reports_at_least: 1}
                then: [remove]
            """;

        var result = RuleSet.Compile([new RuleSource("a.yaml", rule), new RuleSource("b.yaml", rule)]);

        var error = Assert.Single(result.Errors);
        Assert.Equal("b.yaml:2:5: duplicate rule id 'same': already defined at a.yaml:2:5", error.ToString());
    }

    [Theory]
    [InlineData("when:", 4, 10)]
    [InlineData("when: {}", 4, 11)]
    public void EmptyWhen_IsRejected(string when, int line, int column)
    {
        var error = SingleError($"""
            rules:
              - id: a
                mode: enforce
                {when}
                then: [remove]
            """);

        AssertError(error, line, column, "empty 'when'");
    }

    [Fact]
    public void UnknownAction_IsReportedAtItsName()
    {
        var error = SingleError("""
            rules:
              - id: a
                mode: enforce
                when: {reports_at_least: 1}
                then:
                  - review
                  - delete: {reason: gone}
            """);

        AssertError(error, 7, 9, "unknown action 'delete'; known: review, remove, restrict, suspend_account, preserve_evidence, refer");
    }

    [Fact]
    public void UnknownCondition_IsReportedAtItsKey()
    {
        var error = SingleError("""
            rules:
              - id: a
                mode: enforce
                when:
                  any:
                    - reports_at_least: 1
                    - text_contains_all: [x]
                then: [remove]
            """);

        AssertError(error, 7, 11, "unknown condition 'text_contains_all'");
    }

    [Fact]
    public void AllErrorsOfAFile_AreCollected_InOrder()
    {
        var result = Compile("""
            rules:
              - id: Bad Id
                mode: sometimes
                enabled: maybe
                when:
                  country: [de]
                  item_type: [tweet]
                  e2ee: yes
                  bank_match: {signal_type: md5, max_distance: 3, label: {severity_at_least: 9, colour: red}}
                then:
                  - review: {priority: 'severity * risk', reason: '{who}'}
                  - refer
                  - remove: {queue: q}
                  - refer: {authority_country: Germany, reason: x}
            """);

        Assert.Equal(
        [
            "test.yaml:2:9: rule id 'Bad Id' must be 1 to 100 of a-z 0-9 . _ - starting with a letter or digit",
            "test.yaml:3:11: unknown mode 'sometimes'; expected enforce or shadow",
            "test.yaml:4:14: 'enabled' must be true or false",
            "test.yaml:6:17: country 'de' must be an ISO 3166-1 alpha-2 code in capitals, such as DE",
            "test.yaml:7:19: unknown item type 'tweet'; known: post, comment, direct_message, image, video, profile",
            "test.yaml:8:13: 'e2ee' must be true or false",
            "test.yaml:9:82: 'severity_at_least' must be a whole number from 1 to 5",
            "test.yaml:9:85: unknown label key 'colour'; known: entity, ideology, content_type, severity_at_least",
            "test.yaml:9:52: 'max_distance' applies only to pdq matches",
            "test.yaml:11:40: unknown name 'risk' in priority; known: severity, confidence, reports, strikes",
            "test.yaml:11:55: unknown placeholder '{who}' in reason; known: {rule}, {item}, {evidence}, {bank}, {entity}, {ideology}, {severity}, {country}",
            "test.yaml:12:9: 'refer' needs a 'reason': an authority must be told why",
            "test.yaml:13:18: unknown option 'queue' for action 'remove'; known: reason",
            "test.yaml:14:36: authority_country 'Germany' must be an ISO 3166-1 alpha-2 code in capitals, such as DE",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void MissingRequiredKeys_AreReportedAtTheRule()
    {
        var result = Compile("""
            rules:
              - description: nothing else
            """);

        Assert.Equal(
        [
            "test.yaml:2:5: rule is missing 'id'",
            "test.yaml:2:5: rule is missing 'mode'",
            "test.yaml:2:5: rule is missing 'when'",
            "test.yaml:2:5: rule is missing 'then'",
        ], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("", 1, 1, "the file is empty")]
    [InlineData("- a\n- b\n", 1, 1, "expected a mapping with a 'rules:' list, found a list")]
    [InlineData("rules: none\n", 1, 8, "'rules' must be a list, found a scalar")]
    [InlineData("rules: []\nrule:\n  - id: a\n", 2, 1, "unknown key 'rule' at the top")]
    [InlineData("rules:\n  - [x]\n", 2, 5, "a rule must be a mapping, found a list")]
    [InlineData("rules:\n  - id: a\n    id: b\n", 3, 5, "duplicate key 'id'")]
    [InlineData("rules: [\n", 2, 1, "YAML syntax")]
    [InlineData("rules:\n  - &r {id: a}\n", 2, 5, "anchors")]
    [InlineData("x: &a b\nrules: *a\n", 1, 4, "anchors")]
    [InlineData("rules: []\n---\nrules: []\n", 2, 1, "only one YAML document")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {not: {}}\n    then: [remove]\n", 4, 17, "empty 'not'")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {any: []}\n    then: [remove]\n", 4, 17, "'any' must be a non-empty list of conditions, found an empty list")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {reports_at_least: 1}\n    then: []\n", 5, 11, "'then' must be a non-empty list of actions")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {text_contains_any: ['!!']}\n    then: [remove]\n", 4, 32, "no letters or digits left")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {reports_at_least: '3'}\n    then: [remove]\n", 4, 30, "whole number")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {bank_match: {min_similarity: 1.5}}\n    then: [remove]\n", 4, 41, "'min_similarity' must be a number from 0 to 1")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {reports_at_least: 1}\n    then: [{review: {priority: '(1'}}]\n", 5, 34, "missing ')'")]
    [InlineData("rules:\n  - id: a\n    mode: enforce\n    when: {reports_at_least: 1}\n    then: [{remove: x}]\n", 5, 21, "options of 'remove' must be a mapping")]
    [InlineData("rules:\n  - ? [a]\n    : b\n", 2, 7, "mapping keys must be plain names")]
    public void StructuralErrors_HaveExactPositions(string yaml, int line, int column, string fragment)
    {
        var error = SingleError(yaml);

        AssertError(error, line, column, fragment);
    }

    [Fact]
    public void DeepNesting_IsRejected_NotAStackOverflow()
    {
        var yaml = "rules:\n  - id: a\n    mode: enforce\n    then: [remove]\n    when: " + string.Concat(Enumerable.Repeat("{not: ", 5000)) + "{e2ee: true}" + new string('}', 5000) + "\n";

        var error = SingleError(yaml);

        Assert.Equal(5, error.Line);
        Assert.Contains("nesting deeper than 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OversizedFile_IsRejectedBeforeParsing()
    {
        var error = SingleError("rules: []\n#" + new string('x', RuleSet.MaxFileBytes));

        AssertError(error, 1, 1, "larger than");
    }

    [Fact]
    public void MappingWithManyKeys_ReportsEveryUnknownKey()
    {
        var yaml = "rules:\n  - id: a\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"    k{i}: v\n"));

        var result = Compile(yaml);

        Assert.Equal(20_000 + 3, result.Errors.Count);
        Assert.Equal("test.yaml:20002:5: unknown rule key 'k19999'; known: id, description, enabled, mode, when, then", result.Errors[19_999].ToString());
    }

    [Fact]
    public void Load_CollectsTheErrorsOfEveryFileInTheFolder()
    {
        var folder = Directory.CreateTempSubdirectory("vigil-rules-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "a.yaml"), "rules:\n  - id: a\n    mode: loud\n    when: {e2ee: true}\n    then: [remove]\n");
            File.WriteAllText(Path.Combine(folder, "b.yml"), "rules:\n  - id: b\n    mode: enforce\n    when: {e2ee: true}\n    then: [erase]\n");
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a rules file: ignored");

            var result = RuleSet.Load(folder);

            Assert.Equal(
            [
                $"{Path.Combine(folder, "a.yaml")}:3:11: unknown mode 'loud'; expected enforce or shadow",
                $"{Path.Combine(folder, "b.yml")}:5:12: unknown action 'erase'; known: review, remove, restrict, suspend_account, preserve_evidence, refer",
            ], result.Errors.Select(e => e.ToString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_OfAMissingFolder_IsAnError()
    {
        var result = RuleSet.Load(Path.Combine(Path.GetTempPath(), "vigil-no-such-rules-" + Guid.NewGuid().ToString("N")));

        Assert.Contains("does not exist", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
