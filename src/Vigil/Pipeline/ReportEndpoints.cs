using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Pipeline;

/// <summary><c>POST /api/v1/reports</c>: platforms forward their users' reports of items they sent to Vigil.</summary>
public static class ReportEndpoints
{
    public const string Route = "/api/v1/reports";
    private const int Attempts = 4;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Maps the reports API (platform API key policy).</summary>
    public static RouteHandlerBuilder MapReports(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, HandleAsync)
            .RequireAuthorization(PlatformKeyAuthenticationHandler.Policy)
            .DisableAntiforgery();

    private static async Task<IResult> HandleAsync(HttpContext ctx, VigilDb db, TimeProvider time, PipelineNotifier notifier, CancellationToken ct)
    {
        var platformId = long.Parse(ctx.User.FindFirst(PlatformKeyAuthenticationHandler.PlatformIdClaim)!.Value, CultureInfo.InvariantCulture);
        if (ctx.Request.ContentLength > ReportBatch.MaxBodyBytes)
        {
            return TooLarge();
        }
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = ReportBatch.MaxBodyBytes + 1;
        }
        var body = await ReadCappedAsync(ctx.Request.Body, ct);
        if (body is null)
        {
            return TooLarge();
        }
        List<ReportInput> good;
        List<int> goodIndexes;
        ReportResult?[] results;
        try
        {
            (good, goodIndexes, results) = ReportBatch.Parse(body.Value);
        }
        catch (ReportBatchException e)
        {
            return Results.Problem(detail: e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad batch");
        }
        var stored = await StoreAsync(db, platformId, good, time.GetUtcNow(), ct);
        for (var k = 0; k < good.Count; k++)
        {
            results[goodIndexes[k]] = stored[k] with { Index = goodIndexes[k] };
        }
        if (stored.Any(r => r.Status == ReportStatus.Accepted))
        {
            notifier.NewItemsStored();
        }
        return Results.Json(new { Results = results }, Json);
    }

    /// <summary>
    /// Stores the new reports in one transaction and re-queues their items for evaluation (a processed item gets
    /// <c>ProcessedAt = null</c> again), so a report threshold in the rules fires when the report that reaches it
    /// arrives. Returns each report's outcome with <see cref="ReportResult.Index"/> as its position in
    /// <paramref name="reports"/>.
    /// </summary>
    public static async Task<ReportResult[]> StoreAsync(VigilDb db, long platformId, IReadOnlyList<ReportInput> reports, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reports);
        var outcome = new ReportResult[reports.Count];
        if (reports.Count == 0)
        {
            return outcome;
        }
        var itemIds = reports.Select(r => r.ItemId).Distinct(StringComparer.Ordinal).ToList();
        var reportIds = reports.Select(r => r.ReportId).Distinct(StringComparer.Ordinal).ToList();
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var items = await db.IngestItems.Where(i => i.PlatformId == platformId && itemIds.Contains(i.ItemId))
                .Select(i => new { i.Id, i.ItemId, i.Type }).ToDictionaryAsync(i => i.ItemId, StringComparer.Ordinal, ct);
            var existing = (await db.UserReports.Where(r => r.PlatformId == platformId && reportIds.Contains(r.ReportId)).Select(r => r.ReportId).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            var requeue = new HashSet<long>();
            for (var k = 0; k < reports.Count; k++)
            {
                var r = reports[k];
                if (!items.TryGetValue(r.ItemId, out var item))
                {
                    outcome[k] = new ReportResult(k, r.ReportId, ReportStatus.Rejected, $"unknown item '{r.ItemId}': send it to /api/v1/events before reporting it");
                }
                else if (item.Type == "account")
                {
                    outcome[k] = new ReportResult(k, r.ReportId, ReportStatus.Rejected, $"'{r.ItemId}' is an account event; reports are about content items");
                }
                else if (!existing.Add(r.ReportId))
                {
                    // Sent before, or twice in this batch: the first one counts.
                    outcome[k] = new ReportResult(k, r.ReportId, ReportStatus.Duplicate);
                }
                else
                {
                    db.UserReports.Add(new UserReport
                    {
                        PlatformId = platformId,
                        ReportId = r.ReportId,
                        IngestItemId = item.Id,
                        ReporterAccountId = r.ReporterAccountId,
                        Reason = r.Reason,
                        ReceivedAt = now,
                    });
                    requeue.Add(item.Id);
                    outcome[k] = new ReportResult(k, r.ReportId, ReportStatus.Accepted);
                }
            }
            try
            {
                await db.SaveChangesAsync(ct);
                if (requeue.Count > 0)
                {
                    var ids = requeue.ToList();
                    await db.IngestItems.Where(i => ids.Contains(i.Id) && i.ProcessedAt != null)
                        .ExecuteUpdateAsync(s => s.SetProperty(i => i.ProcessedAt, (DateTimeOffset?)null), ct);
                }
                await tx.CommitAsync(ct);
                return outcome;
            }
            catch (DbUpdateException) when (attempt < Attempts)
            {
                // A concurrent batch stored one of our report ids first; the retry sees it as a duplicate.
                await tx.RollbackAsync(ct);
            }
        }
    }

    private static IResult TooLarge() =>
        Results.Problem(detail: $"the body is over {ReportBatch.MaxBodyBytes} bytes; send smaller batches", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    private static async Task<ReadOnlyMemory<byte>?> ReadCappedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > ReportBatch.MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
