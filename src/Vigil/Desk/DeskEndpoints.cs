using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Ledger;
using Vigil.Matching;
using Vigil.Moderation;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Desk;

/// <summary>The moderation desk's routes: queue, case page, image, decisions, appeals, quality, DSA export, stylesheet.</summary>
public static class DeskEndpoints
{
    public const string AppealsRoute = "/api/v1/appeals";
    private const string Lead = StaffRoles.TrustAndSafetyLead;
    private const string Moderator = StaffRoles.Moderator;

    /// <summary>
    /// Registers the desk: its options, the written content policy (from <c>DATA/policies/content-policy.yaml</c> when
    /// present, else the one shipped beside the program; a bad file stops the start) and the per-request desk.
    /// </summary>
    public static IServiceCollection AddDesk(this IServiceCollection services, VigilStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var own = Path.Combine(store.DataDirectory.FullName, "policies", "content-policy.yaml");
        var path = File.Exists(own) ? own : Path.Combine(AppContext.BaseDirectory, "policies", "content-policy.yaml");
        services.AddSingleton(ContentPolicy.Load(path));
        services.AddSingleton(new DeskOptions());
        services.AddScoped<ModerationDesk>();
        return services;
    }

    /// <summary>Maps the desk's pages and APIs; each declares its policy.</summary>
    public static void MapDesk(this IEndpointRouteBuilder app)
    {
        // Staff only, like everything but sign-in and the probes; the sign-in pages simply render unstyled.
        // Public: the sign-in pages use it too, and it is the same file for everyone (no data in it).
        app.MapGet("/static/vigil.css", () => Results.Text(Css.Value, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/desk", QueueAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapPost("/desk/take", TakeAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapGet("/desk/cases/{id:long}", CaseAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapPost("/desk/cases/{id:long}/assign", AssignAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapPost("/desk/cases/{id:long}/reveal", RevealAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapPost("/desk/cases/{id:long}/decide", DecideAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapPost("/desk/cases/{id:long}/complaint", ComplaintAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapGet("/desk/items/{id:long}/image", ImageAsync).RequireAuthorization(Moderator).ExcludeFromDescription();
        app.MapGet("/desk/quality", QualityAsync).RequireAuthorization(Lead).ExcludeFromDescription();
        app.MapGet("/desk/export/dsa", ExportAsync).RequireAuthorization(Lead).ExcludeFromDescription();
        app.MapPost(AppealsRoute, PlatformAppealAsync).RequireAuthorization(PlatformKeyAuthenticationHandler.Policy).DisableAntiforgery();
    }

    private static readonly Lazy<string> Css = new(() =>
    {
        using var s = typeof(DeskEndpoints).Assembly.GetManifestResourceStream("Vigil.Desk.vigil.css")
            ?? throw new InvalidOperationException("embedded stylesheet missing");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    });

    internal static DeskActor Actor(HttpContext http) => new(
        http.User.Identity?.Name ?? "unknown",
        string.Join(",", http.User.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal)) is { Length: > 0 } r ? r : "unknown");

    private static bool IsLead(HttpContext http) => http.User.IsInRole(Lead);

    private static QueueFilter Filter(HttpRequest req) => new(
        Queue: req.Query["queue"].ToString() is { Length: > 0 } q ? q : null,
        Kind: Enum.TryParse<ReviewCaseKind>(req.Query["kind"].ToString(), true, out var k) && Enum.IsDefined(k) ? k : null,
        State: Enum.TryParse<ReviewCaseState>(req.Query["state"].ToString(), true, out var s) && Enum.IsDefined(s) ? s : null,
        PlatformId: long.TryParse(req.Query["platform"].ToString(), CultureInfo.InvariantCulture, out var p) ? p : null);

    private static async Task<IResult> QueueAsync(HttpContext http, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct)
    {
        var filter = Filter(http.Request);
        var page = int.TryParse(http.Request.Query["page"].ToString(), CultureInfo.InvariantCulture, out var pg) && pg > 0 ? pg : 1;
        var (cases, total) = await desk.ListAsync(filter, page, ct);
        var counts = await desk.CountsAsync(ct);
        var platforms = await db.Platforms.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        var queues = await db.ReviewCases.AsNoTracking().Select(c => c.Queue).Distinct().ToListAsync(ct);
        var empty = http.Request.Query["empty"].ToString() == "1";
        return DeskPages.Queue(http, af.GetAndStoreTokens(http), filter, page, desk.Options.PageSize, cases, total, counts,
            [.. platforms.Select(p => (p.Id, p.Name))], [.. queues.Order(StringComparer.Ordinal)], time.GetUtcNow(), desk.Options.DueSoon, empty, IsLead(http));
    }

    private static async Task<IResult> TakeAsync(HttpContext http, IFormCollection form, ModerationDesk desk, CancellationToken ct)
    {
        var filter = new QueueFilter(
            Queue: form["queue"].ToString() is { Length: > 0 } q ? q : null,
            Kind: Enum.TryParse<ReviewCaseKind>(form["kind"].ToString(), true, out var k) && Enum.IsDefined(k) ? k : null,
            PlatformId: long.TryParse(form["platform"].ToString(), CultureInfo.InvariantCulture, out var p) ? p : null);
        var taken = await desk.TakeNextAsync(Actor(http), filter, ct);
        // Back to the same filtered view when nothing is left, so the moderator sees which filters were empty.
        return taken is null
            ? Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/desk?empty=1&queue={Uri.EscapeDataString(filter.Queue ?? "")}&kind={filter.Kind}&platform={filter.PlatformId}"))
            : Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/desk/cases/{taken.Id}"));
    }

    private static async Task<IResult> CaseAsync(long id, HttpContext http, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
        await RenderCaseAsync(id, http, desk, db, af, time, null, StatusCodes.Status200OK, ct);

    private static async Task<IResult> RenderCaseAsync(long id, HttpContext http, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time,
        string? error, int status, CancellationToken ct)
    {
        var c = await db.ReviewCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return DeskPages.Message("Not found", $"Case {id} does not exist.", StatusCodes.Status404NotFound, IsLead(http));
        }
        var actor = Actor(http);
        var item = await db.IngestItems.AsNoTracking().FirstAsync(i => i.Id == c.IngestItemId, ct);
        var blind = c.Kind == ReviewCaseKind.QualitySample && c.State != ReviewCaseState.Decided;
        var own = await db.ModerationDecisions.AsNoTracking().FirstOrDefaultAsync(d => d.CaseId == c.Id, ct);
        var parent = !blind && c.ParentCaseId is { } pid ? await db.ModerationDecisions.AsNoTracking().FirstOrDefaultAsync(d => d.CaseId == pid, ct) : null;
        var appeal = c.Kind == ReviewCaseKind.Appeal ? await db.Appeals.AsNoTracking().FirstOrDefaultAsync(a => a.CaseId == c.Id, ct) : null;

        var others = await db.IngestItems.AsNoTracking()
            .Where(i => i.PlatformId == item.PlatformId && i.AccountId == item.AccountId && i.Id != item.Id)
            .OrderByDescending(i => i.CreatedAt).Take(20)
            .Select(i => new DeskPages.OtherItem(i.Id, i.ItemId, i.Type, i.CreatedAt, i.E2ee ? null : i.Text, i.Image != null)).ToListAsync(ct);
        var history = await db.ModerationDecisions.AsNoTracking()
            .Where(d => d.PlatformId == item.PlatformId && d.AccountId == item.AccountId && d.CaseKind != ReviewCaseKind.QualitySample)
            .OrderByDescending(d => d.DecidedAt).Take(50).ToListAsync(ct);
        if (blind)
        {
            // A blind re-review must not see how this item was decided, nor by whom.
            history = [.. history.Where(d => d.IngestItemId != item.Id)];
        }
        var appeals = await db.Appeals.AsNoTracking()
            .Where(a => a.PlatformId == item.PlatformId && a.AccountId == item.AccountId)
            .OrderByDescending(a => a.FiledAt).Take(50).ToListAsync(ct);
        if (blind)
        {
            appeals = [.. appeals.Where(a => a.IngestItemId != item.Id)];
        }

        IReadOnlyList<MatchOutcome> signals = [];
        if (!item.E2ee)
        {
            using var matcher = await BankMatcher.LoadAsync(db, null, ct);
            signals = [.. DeskImages.Probes(item).Select(matcher.Match)];
        }
        var revealed = item.Image is not null && await desk.RevealedCaseAsync(c.Id, actor.User, ct);
        var view = new DeskPages.CaseView(c, item, own, parent, appeal, others, history, appeals, signals, revealed, blind,
            actor.User, desk.Policy, time.GetUtcNow(), desk.Options.DueSoon);
        return DeskPages.Case(http, af.GetAndStoreTokens(http), view, error, status, IsLead(http));
    }

    private static async Task<IResult> Guard(long id, HttpContext http, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, Func<Task> action, CancellationToken ct)
    {
        try
        {
            await action();
            return Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"/desk/cases/{id}"));
        }
        catch (DeskRefusalException e)
        {
            db.ChangeTracker.Clear();
            return await RenderCaseAsync(id, http, desk, db, af, time, e.Message, e.Status, ct);
        }
    }

    private static Task<IResult> AssignAsync(long id, HttpContext http, IFormCollection form, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
        Guard(id, http, desk, db, af, time, () => desk.AssignAsync(id, Actor(http), ct), ct);

    private static Task<IResult> RevealAsync(long id, HttpContext http, IFormCollection form, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
        Guard(id, http, desk, db, af, time, () => desk.RevealAsync(id, Actor(http), ct), ct);

    private static Task<IResult> DecideAsync(long id, HttpContext http, IFormCollection form, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
        Guard(id, http, desk, db, af, time, () => desk.DecideAsync(id, Actor(http), new DecisionInput(
            form["policy"].ToString(), form["outcome"].ToString(), form["facts"].ToString(), form["automated_decision"].ToString(),
            form["territorial_scope"].ToString(), [.. form["content_type"].Select(v => v ?? "")]), ct), ct);

    private static Task<IResult> ComplaintAsync(long id, HttpContext http, IFormCollection form, ModerationDesk desk, VigilDb db, IAntiforgery af, TimeProvider time, CancellationToken ct) =>
        Guard(id, http, desk, db, af, time, async () =>
        {
            var c = await db.ReviewCases.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new DeskRefusalException(404, $"case {id} not found");
            var item = await db.IngestItems.AsNoTracking().FirstAsync(i => i.Id == c.IngestItemId, ct);
            var actor = Actor(http);
            await desk.FileAppealAsync(c.PlatformId, null, item.Id, item.AccountId, form["text"].ToString(), actor.User, actor, ct);
        }, ct);

    private static async Task<IResult> ImageAsync(long id, HttpContext http, ModerationDesk desk, VigilDb db, CancellationToken ct)
    {
        var item = await db.IngestItems.AsNoTracking().Where(i => i.Id == id).Select(i => new { i.Image, i.E2ee }).FirstOrDefaultAsync(ct);
        if (item?.Image is null || item.E2ee)
        {
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = "no-store";
        if (await desk.RevealedItemAsync(id, Actor(http).User, ct))
        {
            return Results.Bytes(item.Image, DeskImages.ContentType(item.Image));
        }
        var blurred = DeskImages.Blurred(item.Image);
        return blurred is null
            ? Results.Text("the image cannot be decoded; nothing is shown before a reveal\n", statusCode: StatusCodes.Status415UnsupportedMediaType)
            : Results.Bytes(blurred, "image/png");
    }

    private static async Task<IResult> QualityAsync(HttpContext http, ModerationDesk desk, CancellationToken ct)
    {
        var (overall, perQueue, perModerator) = await desk.AgreementAsync(ct);
        return DeskPages.Quality(overall, perQueue, perModerator, desk.Options.QualitySampleRate);
    }

    private static async Task<IResult> ExportAsync(HttpContext http, VigilDb db, LedgerLog ledger, TimeProvider time, CancellationToken ct)
    {
        if (!TryRange(http.Request.Query["from"].ToString(), http.Request.Query["to"].ToString(), time.GetUtcNow(), out var from, out var to, out var error))
        {
            return Results.Problem(detail: error, statusCode: StatusCodes.Status400BadRequest, title: "Bad range");
        }
        var statements = await DsaExport.StatementsAsync(db, from, to, ct);
        await ledger.AppendAsync(ModerationDesk.Event(Actor(http), ModerationDesk.ActionExport, "dsa_export", statements.Count,
            string.Create(CultureInfo.InvariantCulture, $"exported {statements.Count} statements of reasons decided {from:yyyy-MM-dd} to {to:yyyy-MM-dd}")), ct);
        http.Response.Headers.ContentDisposition = string.Create(CultureInfo.InvariantCulture, $"attachment; filename=\"dsa-statements-{from:yyyyMMdd}-{to:yyyyMMdd}.json\"");
        return Results.Text(DsaExport.Serialize(statements), "application/json; charset=utf-8");
    }

    /// <summary>Reads a [from, to) range of dates (YYYY-MM-DD, UTC; <c>to</c> inclusive as a day); defaults to the last 30 days.</summary>
    internal static bool TryRange(string? fromText, string? toText, DateTimeOffset now, out DateTimeOffset from, out DateTimeOffset to, out string? error)
    {
        error = null;
        from = default;
        to = default;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        if (string.IsNullOrEmpty(toText))
        {
            to = today.AddDays(1);
        }
        else if (DateTime.TryParseExact(toText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            to = new DateTimeOffset(t, TimeSpan.Zero).AddDays(1);
        }
        else
        {
            error = $"to: '{toText}' is not a date (YYYY-MM-DD)";
            return false;
        }
        if (string.IsNullOrEmpty(fromText))
        {
            from = to.AddDays(-30);
        }
        else if (DateTime.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var f))
        {
            from = new DateTimeOffset(f, TimeSpan.Zero);
        }
        else
        {
            error = $"from: '{fromText}' is not a date (YYYY-MM-DD)";
            return false;
        }
        if (from >= to)
        {
            error = "from: must not be after to";
            return false;
        }
        return true;
    }

    private static async Task<IResult> PlatformAppealAsync(HttpContext http, ModerationDesk desk, VigilDb db, CancellationToken ct)
    {
        var platformId = long.Parse(http.User.FindFirst(PlatformKeyAuthenticationHandler.PlatformIdClaim)!.Value, CultureInfo.InvariantCulture);
        static IResult Bad(string detail, int status = StatusCodes.Status400BadRequest) => Results.Problem(detail: detail, statusCode: status, title: "Appeal refused");
        if (http.Request.ContentLength > 64 * 1024)
        {
            return Bad("the body is over 65536 bytes", StatusCodes.Status413PayloadTooLarge);
        }
        JsonElement root;
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, default, ct);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Bad($"body: not valid JSON ({e.Message})");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Bad("body: expected a JSON object {appeal_id, item_id, account_id, text}");
        }
        string? Field(string name, out string? problem)
        {
            problem = null;
            if (!root.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || v.GetString()!.Trim().Length == 0)
            {
                problem = $"{name}: required, a non-empty string";
                return null;
            }
            var s = v.GetString()!.Trim();
            if (name != "text" && s.Length > 200)
            {
                problem = $"{name}: at most 200 characters";
                return null;
            }
            return s;
        }
        foreach (var p in root.EnumerateObject())
        {
            if (p.Name is not ("appeal_id" or "item_id" or "account_id" or "text"))
            {
                return Bad($"{p.Name}: unknown field (expected appeal_id, item_id, account_id, text)");
            }
        }
        var appealId = Field("appeal_id", out var e1);
        var itemId = Field("item_id", out var e2);
        var accountId = Field("account_id", out var e3);
        var text = Field("text", out var e4);
        if ((e1 ?? e2 ?? e3 ?? e4) is { } problem)
        {
            return Bad(problem);
        }
        var item = await db.IngestItems.AsNoTracking().Where(i => i.PlatformId == platformId && i.ItemId == itemId).Select(i => new { i.Id }).FirstOrDefaultAsync(ct);
        if (item is null)
        {
            return Bad($"item_id: '{itemId}' was never sent by this platform", StatusCodes.Status404NotFound);
        }
        try
        {
            var (appeal, created) = await desk.FileAppealAsync(platformId, appealId, item.Id, accountId!, text!, "platform",
                new DeskActor("platform:" + platformId.ToString(CultureInfo.InvariantCulture), "platform"), ct);
            var due = await db.ReviewCases.AsNoTracking().Where(c => c.Id == appeal.CaseId).Select(c => c.DueAt).FirstAsync(ct);
            return Results.Json(new { appeal_id = appeal.AppealId, case_id = appeal.CaseId, status = created ? "filed" : "duplicate", due_at = due },
                statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        }
        catch (DeskRefusalException e)
        {
            return Bad(e.Message, e.Status);
        }
    }
}
