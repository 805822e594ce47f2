using System.Diagnostics;
using Vigil.Banks;
using Vigil.Detection.Rules;
using static Vigil.Tests.Detection.Rules.RuleTestKit;

namespace Vigil.Tests.Detection.Rules;

public class RuleEvaluationTests
{
    [Fact]
    public void BankMatch_FiresWithinMaxDistance_AndExplainsTheDistance()
    {
        var rules = When("bank_match: {bank: demo-gifct, signal_type: pdq, max_distance: 31}");

        var hit = rules.Evaluate(Post() with { BankHits = [Pdq("demo-gifct", 12)] });
        var miss = rules.Evaluate(Post() with { BankHits = [Pdq("demo-gifct", 32)] });

        var firing = Assert.Single(hit.Fired);
        Assert.Equal("r1", firing.RuleId);
        Assert.Equal(["bank_match demo-gifct pdq distance 12 <= 31"], firing.Evidence);
        Assert.Equal(ActionKind.Remove, Assert.Single(hit.Enforced).Kind);
        Assert.Empty(miss.Fired);
        Assert.Empty(miss.Enforced);
    }

    [Fact]
    public void BankMatch_FiltersByBankSignalTypeAndLabels()
    {
        var rules = When("bank_match: {bank: tvec, signal_type: md5, label: {entity: [group-a, group-b], ideology: demo-ideology, content_type: video, severity_at_least: 4}}");

        Assert.Single(rules.Evaluate(Post() with { BankHits = [Exact("tvec", SignalType.Md5, severity: 4) with { Labels = new("GROUP-A", "demo-ideology", "video", 4) }] }).Fired);
        Assert.Empty(rules.Evaluate(Post() with { BankHits = [Exact("other", SignalType.Md5) with { Labels = new("group-a", "demo-ideology", "video", 5) }] }).Fired);
        Assert.Empty(rules.Evaluate(Post() with { BankHits = [Exact("tvec", SignalType.Sha256) with { Labels = new("group-a", "demo-ideology", "video", 5) }] }).Fired);
        Assert.Empty(rules.Evaluate(Post() with { BankHits = [Exact("tvec", SignalType.Md5) with { Labels = new("group-c", "demo-ideology", "video", 5) }] }).Fired);
        Assert.Empty(rules.Evaluate(Post() with { BankHits = [Exact("tvec", SignalType.Md5) with { Labels = new("group-a", "demo-ideology", "video", 3) }] }).Fired);
        Assert.Empty(rules.Evaluate(Post() with { BankHits = [Exact("tvec", SignalType.Md5) with { Labels = new("group-a", "demo-ideology", "image", 5) }] }).Fired);
    }

    [Fact]
    public void BankMatch_MinSimilarity_AppliesToTextMinHash()
    {
        var rules = When("bank_match: {signal_type: text_minhash, min_similarity: 0.8}");

        var fired = Assert.Single(rules.Evaluate(Post() with { BankHits = [MinHash("manifestos", 0.85)] }).Fired);
        Assert.Equal(["bank_match manifestos text_minhash similarity 0.85 >= 0.8"], fired.Evidence);
        Assert.Empty(rules.Evaluate(Post() with { BankHits = [MinHash("manifestos", 0.79)] }).Fired);
    }

    [Fact]
    public void BankMatch_WithNoOptions_MatchesAnyHit()
    {
        var rules = When("bank_match:");

        Assert.Single(rules.Evaluate(Post() with { BankHits = [Exact("any", SignalType.TextExact)] }).Fired);
        Assert.Empty(rules.Evaluate(Post()).Fired);
    }

    [Fact]
    public void TextContainsAny_MatchesWholeWordsOfNormalisedText_CatchingObfuscation()
    {
        var rules = When("text_contains_any: [kill, Soldiers]");

        // Leetspeak, Cyrillic homoglyphs, fullwidth letters and zero-width spaces all fold away.
        foreach (var text in new[] { "we will k1ll them", "we will KІLL them", "we will ｋｉｌｌ them", "we will k\u200Bill them", "s0ldiers" })
        {
            Assert.Single(rules.Evaluate(Post(text)).Fired);
        }
        var decision = rules.Evaluate(Post("I'll k!ll the soldiers"));
        Assert.Equal(["keyword 'kill' in text", "keyword 'Soldiers' in text"], Assert.Single(decision.Fired).Evidence);
        // Whole words only: "skill" and "killer" contain "kill" but are not the word.
        Assert.Empty(rules.Evaluate(Post("a useful skill for killers")).Fired);
    }

    [Fact]
    public void TextContainsAny_MatchesMultiWordPhrases()
    {
        var rules = When("text_contains_any: ['death to']");

        Assert.Single(rules.Evaluate(Post("DEATH   TO them")).Fired);
        Assert.Empty(rules.Evaluate(Post("death, then to")).Fired);
    }

    [Fact]
    public void TextMatches_RunsOverNormalisedText()
    {
        var rules = When(@"text_matches: '\b(join|support) the caliphate\b'");

        var fired = Assert.Single(rules.Evaluate(Post("Join  the CALIPHATE now")).Fired);
        Assert.Equal(["text matches /\\b(join|support) the caliphate\\b/ at 'join the caliphate'"], fired.Evidence);
        Assert.Empty(rules.Evaluate(Post("rejoin the caliphates")).Fired);
    }

    [Fact]
    public void NormalizedText_IsUsedAsGiven()
    {
        var rules = When("text_contains_any: [kill]");

        Assert.Single(rules.Evaluate(Post() with { NormalizedText = "kill" }).Fired);
        Assert.Empty(rules.Evaluate(Post("kill") with { NormalizedText = "hello" }).Fired);
    }

    [Fact]
    public void HostileRegex_MatchesInLinearTime()
    {
        // Catastrophic for a backtracking engine: (a+)+$ against many a's followed by a b.
        var rules = When("text_matches: '(a+)+$'");
        var text = new string('a', 50_000) + "!b";

        var watch = Stopwatch.StartNew();
        var decision = rules.Evaluate(Post() with { NormalizedText = text });
        watch.Stop();

        Assert.Empty(decision.Fired);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public void TextConditions_AreFalseOnEndToEndEncryptedItems_EvenIfTextWasPassed()
    {
        var keyword = When("text_contains_any: [kill]");
        var regex = When("text_matches: kill");
        var negated = When("not: {text_contains_any: [kill]}");
        var item = new ItemFacts("dm-1", ItemType.DirectMessage) { EndToEndEncrypted = true, Text = "kill", NormalizedText = "kill" };

        Assert.Empty(keyword.Evaluate(item).Fired);
        Assert.Empty(regex.Evaluate(item).Fired);
        Assert.Single(negated.Evaluate(item).Fired);
    }

    [Fact]
    public void Reports_Strikes_ItemType_E2ee_Country_Conditions()
    {
        Assert.Single(When("reports_at_least: 3").Evaluate(Post() with { Reports = 3 }).Fired);
        Assert.Empty(When("reports_at_least: 3").Evaluate(Post() with { Reports = 2 }).Fired);
        Assert.Equal(["account_strikes 2 >= 2"], Assert.Single(When("account_strikes_at_least: 2").Evaluate(Post() with { AccountStrikes = 2 }).Fired).Evidence);
        Assert.Empty(When("account_strikes_at_least: 2").Evaluate(Post() with { AccountStrikes = 1 }).Fired);
        Assert.Single(When("item_type: [direct_message, video]").Evaluate(new ItemFacts("v", ItemType.Video)).Fired);
        Assert.Empty(When("item_type: [direct_message, video]").Evaluate(new ItemFacts("p", ItemType.Profile)).Fired);
        Assert.Single(When("item_type: comment").Evaluate(new ItemFacts("c", ItemType.Comment)).Fired);
        Assert.Single(When("e2ee: true").Evaluate(Post() with { EndToEndEncrypted = true }).Fired);
        Assert.Empty(When("e2ee: true").Evaluate(Post()).Fired);
        Assert.Single(When("e2ee: false").Evaluate(Post()).Fired);
        Assert.Single(When("country: [DE, FR]").Evaluate(Post() with { Country = "fr" }).Fired);
        Assert.Empty(When("country: [DE, FR]").Evaluate(Post() with { Country = "NL" }).Fired);
        Assert.Empty(When("country: [DE, FR]").Evaluate(Post()).Fired);
    }

    [Fact]
    public void SeveralKeysInOneMapping_MustAllHold()
    {
        var rules = When("reports_at_least: 1\naccount_strikes_at_least: 1");

        Assert.Single(rules.Evaluate(Post() with { Reports = 1, AccountStrikes = 1 }).Fired);
        Assert.Empty(rules.Evaluate(Post() with { Reports = 1 }).Fired);
    }

    [Fact]
    public void AllAnyNot_Nest()
    {
        var rules = When("""
            all:
              - any:
                  - text_contains_any: [kill]
                  - reports_at_least: 10
              - not:
                  any:
                    - item_type: profile
                    - country: [XX]
            """);

        Assert.Single(rules.Evaluate(Post("kill")).Fired);
        Assert.Single(rules.Evaluate(Post() with { Reports = 10 }).Fired);
        Assert.Empty(rules.Evaluate(Post("hello")).Fired);
        Assert.Empty(rules.Evaluate(new ItemFacts("p", ItemType.Profile) { Text = "kill" }).Fired);
        Assert.Empty(rules.Evaluate(Post("kill") with { Country = "XX" }).Fired);
        var evidence = Assert.Single(rules.Evaluate(Post("kill") with { Reports = 12 }).Fired).Evidence;
        Assert.Equal(["keyword 'kill' in text", "reports 12 >= 10", "not any(item_type [profile], country [XX])"], evidence);
    }

    [Fact]
    public void FailedAll_LeavesNoEvidenceFromItsEarlierParts()
    {
        var rules = When("""
            any:
              - all:
                  - text_contains_any: [kill]
                  - reports_at_least: 5
              - account_strikes_at_least: 1
            """);

        var evidence = Assert.Single(rules.Evaluate(Post("kill") with { AccountStrikes = 1 }).Fired).Evidence;
        Assert.Equal(["account_strikes 1 >= 1"], evidence);
    }

    [Fact]
    public void ShadowRules_RecordTheirActionsApartFromEnforcedOnes()
    {
        var rules = Compiled("""
            rules:
              - id: enforced
                mode: enforce
                when: {reports_at_least: 1}
                then: [restrict]
              - id: trial
                mode: shadow
                when: {reports_at_least: 1}
                then: [remove, suspend_account]
            """);

        var decision = rules.Evaluate(Post() with { Reports = 1 });

        Assert.Equal([("enforced", RuleMode.Enforce), ("trial", RuleMode.Shadow)], decision.Fired.Select(f => (f.RuleId, f.Mode)));
        Assert.Equal([("enforced", ActionKind.Restrict)], decision.Enforced.Select(a => (a.RuleId, a.Kind)));
        Assert.Equal([("trial", ActionKind.Remove), ("trial", ActionKind.SuspendAccount)], decision.Shadow.Select(a => (a.RuleId, a.Kind)));
    }

    [Fact]
    public void DisabledRules_NeverFire()
    {
        var rules = Compiled("""
            rules:
              - id: off
                enabled: false
                mode: enforce
                when: {reports_at_least: 0}
                then: [remove]
            """);

        Assert.Equal(["off"], rules.RuleIds);
        Assert.Empty(rules.Evaluate(Post()).Fired);
    }

    [Fact]
    public void EveryActionKind_IsPlanned_WithOptionsAndReason()
    {
        var rules = When("reports_at_least: 1", then: """

              - review: {priority: 7, queue: tvec, reason: "check {item}"}
              - remove: {reason: "removed by {rule}"}
              - restrict
              - suspend_account:
              - preserve_evidence: {reason: "keep {item}"}
              - refer: {authority_country: DE, reason: "threat in {country}: {evidence}"}
            """);

        var actions = rules.Evaluate(Post() with { Reports = 2, Country = "DE" }).Enforced;

        Assert.Equal([ActionKind.Review, ActionKind.Remove, ActionKind.Restrict, ActionKind.SuspendAccount, ActionKind.PreserveEvidence, ActionKind.Refer], actions.Select(a => a.Kind));
        Assert.Equal(7, actions[0].Priority);
        Assert.Equal("tvec", actions[0].Queue);
        Assert.Equal("check item-1", actions[0].Reason);
        Assert.Equal("removed by r1", actions[1].Reason);
        Assert.Equal("r1: reports 2 >= 1", actions[2].Reason);
        Assert.Equal("keep item-1", actions[4].Reason);
        Assert.Equal("DE", actions[5].AuthorityCountry);
        Assert.Equal("threat in DE: reports 2 >= 1", actions[5].Reason);
    }

    [Fact]
    public void ReviewPriority_IsSeverityTimesConfidence_OfTheMatchedHits()
    {
        var rules = When("bank_match: {signal_type: pdq, max_distance: 64}", then: """

              - review: {priority: severity x confidence * 10 + (reports - 1) / 2, reason: "{entity} via {bank} severity {severity}"}
            """);

        var review = Assert.Single(rules.Evaluate(Post() with { Reports = 3, BankHits = [Pdq("demo", 32, severity: 4, entity: "group-a"), Pdq("demo2", 64, severity: 2)] }).Enforced);

        // Highest severity 4, highest confidence 1 - 32/128 = 0.75: 4 * 0.75 * 10 + (3 - 1) / 2 = 31.
        Assert.Equal(31, review.Priority);
        Assert.Equal("group-a via demo severity 4", review.Reason);
    }

    [Fact]
    public void ReviewPriority_WithoutBankMatch_HasSeverityZeroAndConfidenceOne()
    {
        var rules = When("reports_at_least: 1", then: "[{review: {priority: 'severity + confidence + strikes'}}]");

        Assert.Equal(3, Assert.Single(rules.Evaluate(Post() with { Reports = 1, AccountStrikes = 2 }).Enforced).Priority);
    }

    [Fact]
    public void BankHitsInsideNot_DoNotDrivePriority()
    {
        var rules = When("""
            reports_at_least: 1
            not: {bank_match: {bank: allow, signal_type: md5}}
            """, then: "[{review: {priority: severity}}]");

        Assert.Equal(0, Assert.Single(rules.Evaluate(Post() with { Reports = 1, BankHits = [Exact("other", SignalType.Md5, severity: 5)] }).Enforced).Priority);
        Assert.Empty(rules.Evaluate(Post() with { Reports = 1, BankHits = [Exact("allow", SignalType.Md5, severity: 5)] }).Fired);
    }

    [Fact]
    public void BankHitsOfAFailedAllBranch_DoNotDrivePriority()
    {
        var rules = When("""
            any:
              - all:
                  - bank_match: {signal_type: md5}
                  - reports_at_least: 100
              - reports_at_least: 1
            """, then: "[{review: {priority: severity * 10, reason: '{evidence}'}}]");

        var review = Assert.Single(rules.Evaluate(Post() with { Reports = 1, BankHits = [Exact("tvec", SignalType.Md5, severity: 5)] }).Enforced);

        Assert.Equal(0, review.Priority);
        Assert.Equal("reports 1 >= 1", review.Reason);
    }

    [Fact]
    public void Evaluate_IsDeterministic()
    {
        var rules = When("any: [{text_contains_any: [kill, bomb]}, {bank_match: {signal_type: pdq}}]", then: "[{review: {priority: severity x confidence}}]");
        var item = Post("bomb kill") with { BankHits = [Pdq("a", 3), Pdq("b", 9)] };

        var first = rules.Evaluate(item);
        var second = rules.Evaluate(item);

        Assert.Equal(first.Fired.SelectMany(f => f.Evidence), second.Fired.SelectMany(f => f.Evidence));
        Assert.Equal(first.Enforced, second.Enforced);
    }

    [Fact]
    public void BankHitFact_From_DropsVetoedAndNegativeHits()
    {
        var entry = new Vigil.Matching.LoadedEntry(1, "tvec", BankKind.Positive, 31, 50, 0.8, SignalType.Pdq, new string('0', 64), "g", "i", "image", 5, "src");
        var negative = entry with { Kind = BankKind.Negative };

        var fact = BankHitFact.From(new Vigil.Matching.MatchHit(entry, "pdq", 10, null, null));

        Assert.Equal(new BankHitFact("tvec", SignalType.Pdq, 10, null, new BankLabels("g", "i", "image", 5)), fact);
        Assert.Null(BankHitFact.From(new Vigil.Matching.MatchHit(entry, "pdq", 10, null, "allow-list")));
        Assert.Null(BankHitFact.From(new Vigil.Matching.MatchHit(negative, "pdq", 10, null, null)));
    }

    [Fact]
    public void EmptyRuleSet_DecidesNothing()
    {
        var decision = RuleSet.Empty.Evaluate(Post("kill"));

        Assert.Equal("item-1", decision.ItemId);
        Assert.Empty(decision.Fired);
        Assert.Empty(decision.Enforced);
        Assert.Empty(decision.Shadow);
    }
}
