using System.Text.Json;
using Vigil.Banks;
using Vigil.Detection.Rules;
using Vigil.Matching;
using Vigil.Semantic;
using Vigil.Tests.Support;

namespace Vigil.Tests.Semantic;

public class SemanticMatchingTests
{
    private static readonly ParaphraseSet.Group Recruit = ParaphraseSet.Groups[0];
    private static readonly ParaphraseSet.Group Kill = ParaphraseSet.Groups[2];
    private static readonly ParaphraseSet.Group Martyrdom = ParaphraseSet.Groups[4];

    private static LoadedEntry Entry(long id, string bank, BankKind kind, string text, int severity = 4) =>
        new(id, bank, kind, BankDefaults.PdqMaxDistance, BankDefaults.PdqMinQuality, BankDefaults.TextMinSimilarity,
            SignalType.TextEmbedding, EmbeddingSignal.Encode(SemanticModel.Shared.Embed(text)), "demo-group", "demo-ideology", "text", severity, "test");

    [Fact]
    public void Matcher_FindsParaphrase_WithSimilarity_AndNothingForUnrelatedText()
    {
        using var matcher = BankMatcher.Create([Entry(1, "propaganda", BankKind.Positive, Kill.Base), Entry(2, "propaganda", BankKind.Positive, Martyrdom.Base)]);
        Assert.True(matcher.HasEmbeddings);

        var outcome = matcher.Match(MatchProbe.FromText("post", Kill.Paraphrases[1]));
        var hit = Assert.Single(outcome.Hits);
        Assert.True(outcome.Matched);
        Assert.Equal(1, hit.Entry.Id);
        Assert.Equal(SignalType.TextEmbedding, hit.Entry.Type);
        Assert.Equal("text embedding", hit.Via);
        Assert.InRange(hit.Similarity!.Value, SemanticModel.DefaultMinSimilarity, 1);

        Assert.Empty(matcher.Match(MatchProbe.FromText("news", "Police arrested a man suspected of planning a terrorist attack on the city centre.")).Hits);
        Assert.Empty(matcher.Match(MatchProbe.FromText("chat", "The weather is lovely today, let's go for a walk in the park.")).Hits);
    }

    [Fact]
    public void Matcher_UsesEachBanksThreshold()
    {
        var strict = Entry(1, "strict", BankKind.Positive, Recruit.Base) with { EmbeddingMinSimilarity = 0.999 };
        var loose = Entry(2, "loose", BankKind.Positive, Recruit.Base) with { EmbeddingMinSimilarity = 0.5 };
        using var matcher = BankMatcher.Create([strict, loose]);
        Assert.Equal("loose", Assert.Single(matcher.Match(MatchProbe.FromText("post", Recruit.Paraphrases[0])).Hits).Entry.Bank);
    }

    [Fact]
    public void Matcher_WithoutEmbeddingEntries_NeverLoadsTheModel()
    {
        var md5 = new LoadedEntry(1, "files", BankKind.Positive, 31, 50, 0.5, SignalType.Md5, "0123456789abcdef0123456789abcdef", null, null, null, null, null);
        using var matcher = BankMatcher.Create([md5], embedder: () => throw new InvalidOperationException("the model must not be loaded"));
        Assert.False(matcher.HasEmbeddings);
        Assert.Empty(matcher.Match(MatchProbe.FromText("post", Recruit.Paraphrases[0])).Hits);
    }

    [Fact]
    public void NegativeBankEntry_VetoesSemanticHit_AndRulesSeeOnlyUnvetoedHits()
    {
        var rules = RuleSet.Compile([new RuleSource("semantic.yaml",
            "rules:\n  - id: semantic-propaganda\n    mode: enforce\n    when:\n      bank_match: {signal_type: text_embedding, min_similarity: 0.8}\n    then: [review]\n")]);
        Assert.True(rules.Succeeded, string.Join("\n", rules.Errors));

        using var positiveOnly = BankMatcher.Create([Entry(1, "propaganda", BankKind.Positive, Recruit.Base)]);
        var probe = MatchProbe.FromText("post", Recruit.Paraphrases[1]);
        var hits = positiveOnly.Match(probe).Hits.Select(BankHitFact.From).OfType<BankHitFact>().ToList();
        var fact = Assert.Single(hits);
        Assert.Equal(SignalType.TextEmbedding, fact.SignalType);
        var fired = Assert.Single(rules.Rules!.Evaluate(new ItemFacts("item-1", ItemType.Post) { Text = probe.Text, BankHits = hits }).Fired);
        Assert.Equal("semantic-propaganda", fired.RuleId);

        // A moderator banked the same wording as a known false positive (say, a quote in a news report).
        using var withVeto = BankMatcher.Create([Entry(1, "propaganda", BankKind.Positive, Recruit.Base), Entry(2, "reviewed-ok", BankKind.Negative, Recruit.Paraphrases[1])]);
        var outcome = withVeto.Match(probe);
        Assert.False(outcome.Matched);
        Assert.Contains(outcome.Hits, h => h.Entry.Id == 1 && h.VetoedBy is not null);
        var vetoed = outcome.Hits.Select(BankHitFact.From).OfType<BankHitFact>().ToList();
        Assert.Empty(vetoed);
        Assert.Empty(rules.Rules!.Evaluate(new ItemFacts("item-1", ItemType.Post) { Text = probe.Text, BankHits = vetoed }).Fired);
    }

    [Fact]
    public async Task Cli_BankAddText_ThenMatchText_ReportsSemanticHit()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("bank", "create", "propaganda")).Exit);
        var (addExit, addOut, addErr) = await cli.RunAsync("bank", "add", "propaganda", "--text", Martyrdom.Base, "--entity", "demo-group");
        Assert.True(addExit == 0, addErr);
        Assert.Contains("3 signals added", addOut, StringComparison.Ordinal);

        var (exit, output, _) = await cli.RunAsync("match", "--text", Martyrdom.Paraphrases[0], "--text", "I finally finished reading that novel you lent me.", "--json");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var hit = Assert.Single(json.RootElement[0].GetProperty("matches").EnumerateArray());
        Assert.Equal("text_embedding", hit.GetProperty("signal_type").GetString());
        Assert.True(hit.GetProperty("similarity").GetDouble() >= SemanticModel.DefaultMinSimilarity);
        Assert.False(json.RootElement[1].GetProperty("matched").GetBoolean());

        var (exportExit, exported, _) = await cli.RunAsync("bank", "export", "propaganda", "--format", "signals");
        Assert.Equal(0, exportExit);
        Assert.Contains("text_embedding emb1:", exported, StringComparison.Ordinal);

        var (emptyExit, _, emptyErr) = await cli.RunAsync("bank", "add", "propaganda", "--text", " !? ");
        Assert.Equal(1, emptyExit);
        Assert.Contains("--text #1 has no words", emptyErr, StringComparison.Ordinal);
    }
}
