using System.Text.Json;
using Vigil.Ingest;
using Vigil.Moderation;
using Vigil.Platforms;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Desk;

public sealed class ContentPolicyTests
{
    [Fact]
    public void Shipped_policy_file_loads_and_every_policy_has_its_ground()
    {
        var policy = ContentPolicy.Load(Path.Combine(Repo.Root, "policies", "content-policy.yaml"));
        Assert.Contains("terrorist-content", policy.ById.Keys);
        var tco = policy.ById["terrorist-content"];
        Assert.Equal(PolicyGround.Illegal, tco.Ground);
        Assert.StartsWith("Regulation (EU) 2021/784 (TCO) Art. 2(7)", tco.Reference, StringComparison.Ordinal);
        Assert.Contains(policy.Policies, p => p.Ground == PolicyGround.Incompatible && p.Reference.StartsWith("Terms of Service", StringComparison.Ordinal));
        // The copy the server loads is the same file.
        Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "policies", "content-policy.yaml")), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "policies", "content-policy.yaml")));
    }

    [Fact]
    public void Bad_policy_file_reports_every_problem_with_its_line()
    {
        const string yaml = """
            version: 1
            policies:
              - id: ok
                title: Fine
                ground: incompatible
                clause: "ToS 5"
                category: STATEMENT_CATEGORY_VIOLENCE
                text: z
              - id: tco
                title: Terrorist content
                ground: illegal
                clause: "ToS 4"
                category: STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY
                text: x
              - id: Bad Id
                title: t
                ground: sometimes
                category: STATEMENT_CATEGORY_NOPE
                text: y
                colour: red
              - id: ok
                title: again
                ground: incompatible
                clause: "ToS 5"
                category: STATEMENT_CATEGORY_VIOLENCE
                text: z
            """;
        var e = Assert.Throws<ContentPolicyException>(() => ContentPolicy.Parse("policy.yaml", yaml));
        var lines = e.Errors.Select(x => (x.Line, x.Message)).ToList();
        Assert.Contains(lines, l => l.Line == 9 && l.Message.Contains("needs 'legal_ground'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 12 && l.Message.Contains("'clause' belongs to ground 'incompatible'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 15 && l.Message.Contains("id 'Bad Id'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 17 && l.Message.Contains("ground 'sometimes'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 18 && l.Message.Contains("STATEMENT_CATEGORY_NOPE", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 20 && l.Message.Contains("unknown key 'colour'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Line == 21 && l.Message.Contains("duplicate policy id 'ok' (first on line 3)", StringComparison.Ordinal));
        Assert.Equal(7, lines.Count);
        Assert.Contains("policy.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "expected a mapping")]
    [InlineData("version: 2\npolicies: []", "'version' must be 1")]
    [InlineData("version: 1\npolicies: [", "YAML syntax")]
    [InlineData("version: 1\npolicies:\n  - just text", "a policy must be a mapping")]
    public void Malformed_policy_documents_are_refused_with_a_position(string yaml, string message)
    {
        var e = Assert.Throws<ContentPolicyException>(() => ContentPolicy.Parse("p.yaml", yaml));
        Assert.Contains(e.Errors, x => x.Message.Contains(message, StringComparison.Ordinal) && x.Line >= 1);
    }
}

public sealed class DsaExportTests
{
    private static ModerationDecision Decision(long id, string outcome = "remove") => new()
    {
        Id = id,
        CaseId = id,
        PlatformId = 1,
        ItemId = "i" + id,
        AccountId = "a",
        PolicyId = "spam",
        Outcome = outcome,
        DecidedBy = "m@example.org",
        DecidedAt = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero),
        Facts = new string('f', 3000),
        AutomatedDetection = false,
        AutomatedDecision = "partial",
        TerritorialScope = "IS,LI,NO",
        ContentType = "text",
        ContentDate = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero),
        Ground = "incompatible",
        GroundReference = "ToS 6.1",
        Category = "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    };

    [Fact]
    public void Statements_are_valid_batched_by_100_and_explanations_cut_to_the_documented_limits()
    {
        var statements = Enumerable.Range(1, 250).Select(i => DsaExport.Statement(Decision(i, i % 2 == 0 ? "label" : "restrict_visibility"))).ToList();
        using var doc = JsonDocument.Parse(DsaExport.Serialize(statements));
        var batches = doc.RootElement.GetProperty("batches").EnumerateArray().Select(b => b.GetProperty("statements").GetArrayLength()).ToList();
        Assert.Equal([100, 100, 50], batches);
        var parsed = DeskKit.Statements(DsaExport.Serialize(statements));
        Assert.All(parsed, s => Assert.Empty(DsaStatementValidator.Problems(s)));
        Assert.Equal(2000, parsed[0]["incompatible_content_explanation"].GetString()!.Length);
        Assert.Equal("AUTOMATED_DECISION_PARTIALLY", parsed[0]["automated_decision"].GetString());
        Assert.Equal("DECISION_VISIBILITY_CONTENT_DEMOTED", parsed[0]["decision_visibility"][0].GetString());
        Assert.Equal("DECISION_VISIBILITY_CONTENT_LABELLED", parsed[1]["decision_visibility"][0].GetString());
    }

    [Fact]
    public void Validator_catches_missing_and_invalid_fields()
    {
        var good = DeskKit.Statements(DsaExport.Serialize([DsaExport.Statement(Decision(1))]))[0];
        Assert.Empty(DsaStatementValidator.Problems(good));
        var bad = new Dictionary<string, JsonElement>(good, StringComparer.Ordinal);
        bad.Remove("decision_visibility");
        bad.Remove("incompatible_content_ground");
        bad["automated_decision"] = JsonSerializer.SerializeToElement("maybe");
        bad["territorial_scope"] = JsonSerializer.SerializeToElement(new[] { "US" });
        bad["puid"] = JsonSerializer.SerializeToElement("has space");
        var problems = DsaStatementValidator.Problems(bad);
        Assert.Equal(5, problems.Count);
    }

    [Fact]
    public void Quality_sampling_is_deterministic_and_near_the_configured_rate()
    {
        var drawn = Enumerable.Range(1, 20_000).Count(i => ModerationDesk.Sampled(i, 0.05));
        Assert.InRange(drawn, 850, 1150);
        Assert.Equal(Enumerable.Range(1, 500).Select(i => ModerationDesk.Sampled(i, 0.05)), Enumerable.Range(1, 500).Select(i => ModerationDesk.Sampled(i, 0.05)));
        Assert.False(ModerationDesk.Sampled(42, 0));
        Assert.True(ModerationDesk.Sampled(42, 1));
    }

    [Fact]
    public async Task Cli_exports_to_a_file_and_reports_a_bad_date_as_one_line()
    {
        using var cli = new CliRunner();
        await using (var db = await new VigilStore(cli.Data).OpenAsync(CancellationToken.None))
        {
            var platform = new Platform { Name = "chirp", CreatedAt = cli.Time.GetUtcNow() };
            db.Platforms.Add(platform);
            await db.SaveChangesAsync();
            var item = new IngestItem { PlatformId = platform.Id, ItemId = "p1", Type = "post", AccountId = "a", Text = "t", CreatedAt = cli.Time.GetUtcNow(), ReceivedAt = cli.Time.GetUtcNow() };
            db.IngestItems.Add(item);
            await db.SaveChangesAsync();
            var c = ReviewQueue.Enqueue(db, new ReviewRequest(platform.Id, item.Id, "tvec", 1, "r", "x"), cli.Time.GetUtcNow());
            c.State = ReviewCaseState.Decided;
            await db.SaveChangesAsync();
            var d = Decision(0);
            d.Id = 0;
            d.CaseId = c.Id;
            d.PlatformId = platform.Id;
            d.IngestItemId = item.Id;
            d.DecidedAt = cli.Time.GetUtcNow();
            db.ModerationDecisions.Add(d);
            await db.SaveChangesAsync();
        }
        var file = Path.Combine(cli.Data.FullName, "sor.json");
        var (exit, output, err) = await cli.RunAsync("dsa", "export", "--from", "2026-11-01", "--to", "2026-11-27", "--out", file);
        Assert.True(exit == 0, err);
        Assert.Contains("1 statement(s) in 1 batch(es)", output, StringComparison.Ordinal);
        var statement = Assert.Single(DeskKit.Statements(await File.ReadAllTextAsync(file)));
        Assert.Empty(DsaStatementValidator.Problems(statement));
        Assert.Equal("2026-11-27", statement["application_date"].GetString());

        var (emptyExit, emptyOut, _) = await cli.RunAsync("dsa", "export", "--from", "2026-10-01", "--to", "2026-10-31");
        Assert.Equal(0, emptyExit);
        Assert.Contains("\"batches\": []", emptyOut, StringComparison.Ordinal);

        var (badExit, _, badErr) = await cli.RunAsync("dsa", "export", "--from", "27/11/2026");
        Assert.Equal(1, badExit);
        Assert.Equal("error: from: '27/11/2026' is not a date (YYYY-MM-DD)", badErr.Trim());
    }
}
