using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Demo;
using Vigil.Moderation;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Desk;

public sealed class DeskFlowTests
{
    private static DeskActor Actor(string user) => new(user, "moderator");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Take_next_follows_priority_then_age_and_concurrent_moderators_never_get_the_same_case(string provider)
    {
        var (server, _) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        var (platform, _) = await DeskKit.PlatformAsync(server);
        var t0 = TimeProvider.System.GetUtcNow().AddHours(-1);
        var (_, low) = await DeskKit.FlagAsync(server, platform, "low", "u1", "a", priority: 1, created: t0);
        var (_, highNew) = await DeskKit.FlagAsync(server, platform, "high-new", "u1", "b", priority: 9, created: t0.AddMinutes(10));
        var (_, highOld) = await DeskKit.FlagAsync(server, platform, "high-old", "u1", "c", priority: 9, created: t0);
        for (var i = 0; i < 9; i++)
        {
            await DeskKit.FlagAsync(server, platform, $"bulk-{i}", "u2", "d", priority: 5, created: t0);
        }

        using (var scope = server.App.Services.CreateScope())
        {
            var desk = scope.ServiceProvider.GetRequiredService<ModerationDesk>();
            var (listed, total) = await desk.ListAsync(new QueueFilter(), 1, CancellationToken.None);
            Assert.Equal(12, total);
            Assert.Equal([highOld, highNew], listed.Take(2).Select(c => c.Id));
            Assert.Equal(low, listed[^1].Id);
            Assert.Equal(highOld, (await desk.TakeNextAsync(Actor("first@example.org"), new QueueFilter(), CancellationToken.None))!.Id);
        }

        // Eleven moderators race for the eleven remaining cases: each gets exactly one, none twice.
        var taken = await Task.WhenAll(Enumerable.Range(0, 11).Select(async i =>
        {
            using var scope = server.App.Services.CreateScope();
            var desk = scope.ServiceProvider.GetRequiredService<ModerationDesk>();
            return (await desk.TakeNextAsync(Actor($"m{i}@example.org"), new QueueFilter(), CancellationToken.None))?.Id;
        }));
        Assert.All(taken, t => Assert.NotNull(t));
        Assert.Equal(11, taken.Distinct().Count());
        await using var db = server.Store.Store.CreateContext();
        Assert.Equal(12, await db.ReviewCases.CountAsync(c => c.State == ReviewCaseState.Assigned));
        Assert.Equal(12, await db.ReviewCases.Select(c => c.AssignedTo).Distinct().CountAsync());
        Assert.Equal(12, server.LedgerEntries().Count(e => e.Event.Action == ModerationDesk.ActionAssign));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Decision_without_reasons_or_with_unknown_policy_or_scope_is_refused_and_writes_nothing(string provider)
    {
        var (server, accounts) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        var (platform, _) = await DeskKit.PlatformAsync(server);
        var (_, caseId) = await DeskKit.FlagAsync(server, platform, "p1", "u1", "join us");
        using var mod1 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod1]);
        Assert.Equal(caseId, await DeskKit.TakeNextAsync(mod1));

        async Task Refused(HttpResponseMessage r, string expected)
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains(Vigil.Server.Html.Encode(expected), await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await Refused(await DeskKit.DecideAsync(mod1, caseId, "remove", "terrorist-content", "  "), "facts: the statement of reasons needs");
        await Refused(await DeskKit.DecideAsync(mod1, caseId, "remove", "no-such-policy", "facts"), "policy: 'no-such-policy' is not in the content policy");
        await Refused(await DeskKit.DecideAsync(mod1, caseId, "remove", "terrorist-content", "facts", "DE,US"), "territorial_scope: 'US' is not an EU/EEA country code");
        await Refused(await DeskKit.DecideAsync(mod1, caseId, "ban_forever", "terrorist-content", "facts"), "outcome: must be one of");
        await Refused(await DeskKit.DecideAsync(mod1, caseId, "remove", "terrorist-content", "facts", "EU", "hologram"), "content_type: 'hologram'");
        var noToken = await mod1.PostAsync($"/desk/cases/{caseId}/decide", new FormUrlEncodedContent([new("outcome", "remove")]));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.Equal(0, await db.ModerationDecisions.CountAsync());
            Assert.Equal(ReviewCaseState.Assigned, (await db.ReviewCases.SingleAsync()).State);
            Assert.Equal(0, await db.OutboxMessages.CountAsync());
        }

        // A moderator who does not hold the case cannot decide it.
        using var mod2 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod2]);
        var other = await DeskKit.PostFormAsync(mod2, $"/desk/cases/{caseId}/decide", ("outcome", "no_violation"), ("policy", "none"));
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);

        var ok = await DeskKit.DecideAsync(mod1, caseId, "no_violation", "none", "");
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        await using (var db = server.Store.Store.CreateContext())
        {
            var d = await db.ModerationDecisions.SingleAsync();
            Assert.Equal(("no_violation", DeskKit.Mod1, true), (d.Outcome, d.DecidedBy, d.AutomatedDetection));
            Assert.Equal(ReviewCaseState.Decided, (await db.ReviewCases.SingleAsync()).State);
            // No violation: nothing to tell the platform.
            Assert.Equal(0, await db.OutboxMessages.CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Appeal_is_filed_idempotently_and_only_a_different_reviewer_may_take_or_decide_it(string provider)
    {
        var (server, accounts) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        DeskKit.Options(server).QualitySampleRate = 0;
        var (platform, key) = await DeskKit.PlatformAsync(server);
        var (_, flag) = await DeskKit.FlagAsync(server, platform, "p1", "u1", "join the fight");
        using var mod1 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod1]);
        using var mod2 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod2]);
        Assert.Equal(flag, await DeskKit.TakeNextAsync(mod1));
        Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.DecideAsync(mod1, flag, "remove", "terrorist-content", "Recruitment call naming a proscribed group.")).StatusCode);

        using var api = server.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Task<HttpResponseMessage> Appeal(string json) => api.PostAsync("/api/v1/appeals", new StringContent(json, Encoding.UTF8, "application/json"));
        const string body = """{"appeal_id":"ap-1","item_id":"p1","account_id":"u1","text":"It was a news quote."}""";
        var filed = await Appeal(body);
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        using var filedJson = JsonDocument.Parse(await filed.Content.ReadAsStringAsync());
        var appealCase = filedJson.RootElement.GetProperty("case_id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await Appeal(body)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Appeal("""{"appeal_id":"ap-1","item_id":"p1","account_id":"u1","text":"other"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Appeal("""{"appeal_id":"ap-2","item_id":"p1","account_id":"u1"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Appeal("""{"appeal_id":"ap-2","item_id":"p1","account_id":"someone-else","text":"x"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Appeal("""{"appeal_id":"ap-2","item_id":"never","account_id":"u1","text":"x"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Appeal("{not json")).StatusCode);
        using (var staff = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod1]))
        {
            // Staff cookies do not open the platform API.
            var r = await staff.PostAsync("/api/v1/appeals", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.NotEqual(HttpStatusCode.Created, r.StatusCode);
            Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
        }

        await using (var db = server.Store.Store.CreateContext())
        {
            var c = await db.ReviewCases.SingleAsync(x => x.Id == appealCase);
            Assert.Equal((ReviewCaseKind.Appeal, flag, DeskKit.Mod1), (c.Kind, c.ParentCaseId, c.ExcludedReviewer));
            Assert.Equal(TimeSpan.FromDays(14), c.DueAt - c.CreatedAt);
            Assert.Equal(1, await db.Appeals.CountAsync());
        }

        // The original decider never gets the appeal: not from the queue, not by assigning, not by deciding.
        Assert.Null(await DeskKit.TakeNextAsync(mod1));
        var assign = await DeskKit.PostFormAsync(mod1, $"/desk/cases/{appealCase}/assign");
        Assert.Equal(HttpStatusCode.Forbidden, assign.StatusCode);
        Assert.Contains("different reviewer", await assign.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var decide = await DeskKit.PostFormAsync(mod1, $"/desk/cases/{appealCase}/decide", ("outcome", "upheld"), ("facts", "mine"));
        Assert.Equal(HttpStatusCode.Forbidden, decide.StatusCode);

        Assert.Equal(appealCase, await DeskKit.TakeNextAsync(mod2));
        Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.PostFormAsync(mod2, $"/desk/cases/{appealCase}/decide",
            ("outcome", "reversed"), ("policy", ""), ("facts", "Quoted in a news report with critical commentary."))).StatusCode);

        await using (var db = server.Store.Store.CreateContext())
        {
            var messages = await db.OutboxMessages.OrderBy(m => m.Id).ToListAsync();
            Assert.Equal(["decision.made", "appeal.resolved"], messages.Select(m => m.EventType));
            using var made = JsonDocument.Parse(messages[0].Payload);
            Assert.Equal("remove", made.RootElement.GetProperty("outcome").GetString());
            Assert.Equal("terrorist-content", made.RootElement.GetProperty("policy").GetString());
            Assert.Equal("Recruitment call naming a proscribed group.", made.RootElement.GetProperty("statement_of_reasons").GetProperty("facts").GetString());
            using var resolved = JsonDocument.Parse(messages[1].Payload);
            Assert.Equal("reversed", resolved.RootElement.GetProperty("outcome").GetString());
            Assert.Equal("content", resolved.RootElement.GetProperty("restore").GetString());
            Assert.Equal("ap-1", resolved.RootElement.GetProperty("appeal_id").GetString());
            var d = await db.ModerationDecisions.SingleAsync(x => x.CaseId == appealCase);
            Assert.Equal(("reversed", DeskKit.Mod2, "terrorist-content"), (d.Outcome, d.DecidedBy, d.PolicyId));
        }
        var actions = server.LedgerEntries().Select(e => e.Event.Action).ToList();
        Assert.Contains(ModerationDesk.ActionDecide, actions);
        Assert.Contains(ModerationDesk.ActionAppealFiled, actions);
        Assert.Contains(ModerationDesk.ActionAppealDecided, actions);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Image_is_served_blurred_until_a_logged_reveal_and_e2ee_messages_show_only_metadata(string provider)
    {
        var (server, accounts) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        var (platform, _) = await DeskKit.PlatformAsync(server);
        using var poster = DemoImages.Poster(7);
        var jpeg = DemoImages.Jpeg(poster);
        var (item, caseId) = await DeskKit.FlagAsync(server, platform, "img-1", "u1", image: jpeg, priority: 5);
        var (_, dm) = await DeskKit.FlagAsync(server, platform, "dm-1", "u1", text: "secret words", e2ee: true);
        using var mod1 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod1]);

        var before = await mod1.GetAsync($"/desk/items/{item}/image");
        Assert.Equal("image/png", before.Content.Headers.ContentType?.MediaType);
        var blurred = await before.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(jpeg, blurred);
        using (var bmp = SkiaSharp.SKBitmap.Decode(blurred))
        {
            // Greyscale: every pixel has equal channels.
            Assert.All(Enumerable.Range(0, 50).Select(i => bmp.GetPixel(i * bmp.Width / 50, bmp.Height / 2)), p => Assert.True(Math.Abs(p.Red - p.Green) <= 1 && Math.Abs(p.Green - p.Blue) <= 1));
        }
        var page = await (await mod1.GetAsync($"/desk/cases/{caseId}")).Content.ReadAsStringAsync();
        Assert.Contains("item-image blurred", page, StringComparison.Ordinal);
        Assert.DoesNotContain("base64", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.PostFormAsync(mod1, $"/desk/cases/{caseId}/reveal")).StatusCode);
        var after = await mod1.GetAsync($"/desk/items/{item}/image");
        Assert.Equal("image/jpeg", after.Content.Headers.ContentType?.MediaType);
        Assert.Equal(jpeg, await after.Content.ReadAsByteArrayAsync());
        Assert.Contains("item-image revealed", await (await mod1.GetAsync($"/desk/cases/{caseId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var reveal = Assert.Single(server.LedgerEntries(), e => e.Event.Action == ModerationDesk.ActionReveal);
        Assert.Equal((DeskKit.Mod1, "ingest_item", item.ToString(System.Globalization.CultureInfo.InvariantCulture)), (reveal.Event.Actor, reveal.Event.Subject.Type, reveal.Event.Subject.Id));

        // Another moderator still gets the blurred rendering: the reveal is theirs alone.
        using var mod2 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod2]);
        Assert.Equal(blurred, await (await mod2.GetAsync($"/desk/items/{item}/image")).Content.ReadAsByteArrayAsync());

        var dmPage = await (await mod1.GetAsync($"/desk/cases/{dm}")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"e2ee\"", dmPage, StringComparison.Ordinal);
        Assert.DoesNotContain("secret words", dmPage, StringComparison.Ordinal);

        // Staff without the moderator role do not see the desk.
        using var lead = await RunningServer.SignedInAsync(server, accounts[DeskKit.Lead]);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync("/desk")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mod1.GetAsync("/desk/quality")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mod1.GetAsync("/desk/export/dsa")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Quality_samples_are_blind_never_go_to_the_decider_and_feed_the_agreement_rate(string provider)
    {
        var (server, accounts) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        DeskKit.Options(server).QualitySampleRate = 1;
        var (platform, _) = await DeskKit.PlatformAsync(server);
        var (_, a) = await DeskKit.FlagAsync(server, platform, "p1", "u1", "text one", queue: "tvec");
        var (_, b) = await DeskKit.FlagAsync(server, platform, "p2", "u2", "text two", queue: "spam");
        using var mod1 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod1]);
        using var mod2 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod2]);
        foreach (var id in new[] { a, b })
        {
            Assert.Equal(id, await DeskKit.TakeNextAsync(mod1));
            Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.DecideAsync(mod1, id, "remove", "violent-extremism", "Praise of a violent group.")).StatusCode);
        }
        Assert.Null(await DeskKit.TakeNextAsync(mod1));

        var first = await DeskKit.TakeNextAsync(mod2, "QualitySample");
        Assert.NotNull(first);
        var page = await (await mod2.GetAsync($"/desk/cases/{first}")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"blind\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain(DeskKit.Mod1, page, StringComparison.Ordinal);
        Assert.DoesNotContain("Praise of a violent group.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"original-decision\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.DecideAsync(mod2, first.Value, "remove", "violent-extremism", "Same: praise.")).StatusCode);
        var second = await DeskKit.TakeNextAsync(mod2, "QualitySample");
        Assert.NotNull(second);
        Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.DecideAsync(mod2, second.Value, "no_violation", "none", "")).StatusCode);

        await using (var db = server.Store.Store.CreateContext())
        {
            var samples = await db.ModerationDecisions.Where(d => d.CaseKind == ReviewCaseKind.QualitySample).OrderBy(d => d.Id).ToListAsync();
            Assert.Equal([true, false], samples.Select(s => s.Agrees!.Value));
            // Quality samples are no new enforcement: only the two flag decisions went to the platform.
            Assert.Equal(2, await db.OutboxMessages.CountAsync());
        }
        using var lead = await RunningServer.SignedInAsync(server, accounts[DeskKit.Lead]);
        var quality = await (await lead.GetAsync("/desk/quality")).Content.ReadAsStringAsync();
        Assert.Contains("<td>overall</td><td>2</td><td>1</td><td>50.0%</td>", quality, StringComparison.Ordinal);
        Assert.Contains($"<td>{DeskKit.Mod1}</td><td>2</td><td>1</td><td>50.0%</td>", quality, StringComparison.Ordinal);
        Assert.Contains("<td>spam</td><td>1</td>", quality, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Dsa_export_gives_only_valid_statements_in_batches_and_is_logged(string provider)
    {
        var (server, accounts) = await DeskKit.StartAsync(provider);
        await using var _s = server;
        DeskKit.Options(server).QualitySampleRate = 0;
        var (platform, _) = await DeskKit.PlatformAsync(server);
        using var poster = DemoImages.Poster(3);
        var cases = new List<(long Case, string Outcome, string Policy, string Scope)>
        {
            ((await DeskKit.FlagAsync(server, platform, "p1", "u1", "text", image: DemoImages.Png(poster))).CaseId, "remove", "terrorist-content", "EU"),
            ((await DeskKit.FlagAsync(server, platform, "p2", "u1", "text")).CaseId, "suspend_account", "violent-extremism", "DE,AT"),
            ((await DeskKit.FlagAsync(server, platform, "p3", "u2", "text", rule: null)).CaseId, "age_restrict", "graphic-violence", "NO"),
            ((await DeskKit.FlagAsync(server, platform, "p4", "u2", "text")).CaseId, "label", "spam", "EU"),
            ((await DeskKit.FlagAsync(server, platform, "p5", "u2", "text")).CaseId, "no_violation", "none", "EU"),
        };
        using var mod1 = await RunningServer.SignedInAsync(server, accounts[DeskKit.Mod1]);
        foreach (var (id, outcome, policy, scope) in cases)
        {
            Assert.Equal(id, await DeskKit.TakeNextAsync(mod1));
            Assert.Equal(HttpStatusCode.Redirect, (await DeskKit.DecideAsync(mod1, id, outcome, policy, "Facts for " + outcome, scope)).StatusCode);
        }
        using var lead = await RunningServer.SignedInAsync(server, accounts[DeskKit.Lead]);
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var export = await lead.GetAsync($"/desk/export/dsa?from={today}&to={today}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var statements = DeskKit.Statements(await export.Content.ReadAsStringAsync());
        Assert.Equal(4, statements.Count);
        Assert.All(statements, s => Assert.Empty(DsaStatementValidator.Problems(s)));
        Assert.Equal(["DECISION_VISIBILITY_CONTENT_REMOVED"], statements[0]["decision_visibility"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("DECISION_GROUND_ILLEGAL_CONTENT", statements[0]["decision_ground"].GetString());
        Assert.StartsWith("Regulation (EU) 2021/784", statements[0]["illegal_content_legal_ground"].GetString(), StringComparison.Ordinal);
        Assert.Equal(["CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"], statements[0]["content_type"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(27, statements[0]["territorial_scope"].GetArrayLength());
        Assert.Equal("DECISION_ACCOUNT_SUSPENDED", statements[1]["decision_account"].GetString());
        Assert.Equal("DECISION_GROUND_INCOMPATIBLE_CONTENT", statements[1]["decision_ground"].GetString());
        Assert.Equal(["AT", "DE"], statements[1]["territorial_scope"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("No", statements[2]["automated_detection"].GetString());
        Assert.Equal("Yes", statements[1]["automated_detection"].GetString());
        Assert.Equal(4, statements.Select(s => s["puid"].GetString()).Distinct().Count());

        Assert.Equal(HttpStatusCode.BadRequest, (await lead.GetAsync("/desk/export/dsa?from=yesterday")).StatusCode);
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == ModerationDesk.ActionExport && e.Event.Actor == DeskKit.Lead);
    }
}
