using Vigil.Detection.Rules;
using Vigil.Tests.Support;

namespace Vigil.Tests.Detection.Rules;

public sealed class RuleSetHostTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("vigil-rules-host-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Write(string name, string id, string action = "remove") =>
        File.WriteAllText(Path.Combine(folder, name), $"rules:\n  - id: {id}\n    mode: enforce\n    when: {{reports_at_least: 1}}\n    then: [{action}]\n");

    [Fact]
    public void Host_StartsEmpty_AndLoadsOnReload()
    {
        Write("a.yaml", "first");
        var host = new RuleSetHost(folder);

        Assert.Same(RuleSet.Empty, host.Current);
        var result = host.TryReload();

        Assert.True(result.Succeeded);
        Assert.Same(result.Rules, host.Current);
        Assert.Equal(["first"], host.Current.RuleIds);
    }

    [Fact]
    public void Reload_WithAnError_KeepsThePreviousRules_AndReturnsTheErrors()
    {
        Write("a.yaml", "first");
        var host = new RuleSetHost(folder);
        Assert.True(host.TryReload().Succeeded);
        var good = host.Current;

        // One good edit and one bad file: nothing of the folder is taken.
        Write("a.yaml", "second");
        Write("b.yaml", "third", action: "obliterate");
        var failed = host.TryReload();

        Assert.False(failed.Succeeded);
        Assert.Equal(5, Assert.Single(failed.Errors).Line);
        Assert.Same(good, host.Current);
        Assert.Equal(["first"], host.Current.RuleIds);
        Assert.Equal(ActionKind.Remove, Assert.Single(host.Current.Evaluate(new ItemFacts("i", ItemType.Post) { Reports = 1 }).Enforced).Kind);

        File.Delete(Path.Combine(folder, "b.yaml"));
        Assert.True(host.TryReload().Succeeded);
        Assert.Equal(["second"], host.Current.RuleIds);
    }

    [Fact]
    public void Reload_WithADuplicateIdAcrossFiles_KeepsThePreviousRules()
    {
        Write("a.yaml", "first");
        var host = new RuleSetHost(folder);
        host.TryReload();

        Write("b.yaml", "first");
        var failed = host.TryReload();

        Assert.Contains("duplicate rule id 'first'", Assert.Single(failed.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(["first"], host.Current.RuleIds);
    }
}

public class ShippedRulesTests
{
    private static readonly RuleSet Shipped = LoadShipped();

    private static RuleSet LoadShipped()
    {
        var result = RuleSet.Load(Path.Combine(Repo.Root, "rules"));
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        return result.Rules!;
    }

    [Fact]
    public void ShippedRules_LoadCleanly()
    {
        Assert.Equal(["tvec-known-bank-match", "threat-to-life", "tvec-text-near-duplicate", "repeat-offender-reported", "experimental-recruitment-phrases"], Shipped.RuleIds);
    }

    [Fact]
    public void KnownTvecMatch_IsRemovedPreservedAndReviewed()
    {
        var item = new ItemFacts("img-1", ItemType.Image)
        {
            BankHits = [new BankHitFact("demo-gifct", Vigil.Banks.SignalType.Pdq, 12, null, new BankLabels("demo-group", "demo-ideology", "image", 5))],
        };

        var decision = Shipped.Evaluate(item);

        Assert.Equal(["tvec-known-bank-match"], decision.Fired.Select(f => f.RuleId));
        Assert.Equal(["bank_match demo-gifct pdq distance 12 <= 31 severity 5 >= 3"], decision.Fired[0].Evidence);
        Assert.Equal([ActionKind.Remove, ActionKind.PreserveEvidence, ActionKind.Review], decision.Enforced.Select(a => a.Kind));
        Assert.Equal("Matches known terrorist content (demo-group, bank demo-gifct): bank_match demo-gifct pdq distance 12 <= 31 severity 5 >= 3", decision.Enforced[0].Reason);
        Assert.Equal(5 * (1 - (12 / 128.0)), decision.Enforced[2].Priority!.Value, 6);
        Assert.Equal("tvec", decision.Enforced[2].Queue);
        Assert.Empty(decision.Shadow);
    }

    [Fact]
    public void ObfuscatedThreatAgainstSoldiers_IsReferredAndPreserved()
    {
        var decision = Shipped.Evaluate(new ItemFacts("post-9", ItemType.Post) { Text = "We will K1LL the s0ldiers tomorrow", Country = "DE" });

        Assert.Equal(["threat-to-life"], decision.Fired.Select(f => f.RuleId));
        Assert.Equal([ActionKind.Refer, ActionKind.PreserveEvidence, ActionKind.Review], decision.Enforced.Select(a => a.Kind));
        Assert.Equal("Possible threat to life: keyword 'kill' in text; keyword 'soldiers' in text; not item_type [profile]", decision.Enforced[0].Reason);
        Assert.Equal(100, decision.Enforced[2].Priority);
    }

    [Fact]
    public void ThreatRule_NeverFiresOnEndToEndEncryptedMessages()
    {
        var decision = Shipped.Evaluate(new ItemFacts("dm-1", ItemType.DirectMessage) { EndToEndEncrypted = true, Text = "kill the soldiers" });

        Assert.Empty(decision.Fired);
    }

    [Fact]
    public void ExperimentalRule_OnlyRecordsShadowActions()
    {
        var decision = Shipped.Evaluate(new ItemFacts("post-3", ItemType.Post) { Text = "Join the Caliphate, brothers", Country = "FR" });

        Assert.Equal([("experimental-recruitment-phrases", RuleMode.Shadow)], decision.Fired.Select(f => (f.RuleId, f.Mode)));
        Assert.Empty(decision.Enforced);
        Assert.Equal([ActionKind.Review, ActionKind.SuspendAccount], decision.Shadow.Select(a => a.Kind));
        Assert.Equal("shadow-trials", decision.Shadow[0].Queue);
    }

    [Fact]
    public void ReportedItemFromStruckAccount_IsRestricted()
    {
        var decision = Shipped.Evaluate(new ItemFacts("c-1", ItemType.Comment) { Reports = 6, AccountStrikes = 2 });

        Assert.Equal(["repeat-offender-reported"], decision.Fired.Select(f => f.RuleId));
        Assert.Equal([ActionKind.Restrict, ActionKind.Review], decision.Enforced.Select(a => a.Kind));
        Assert.Equal(10, decision.Enforced[1].Priority);
    }
}
