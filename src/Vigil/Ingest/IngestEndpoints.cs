using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Observability;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Ingest;

/// <summary><c>POST /api/v1/events</c>: platforms send batches of content events, authenticated by API key.</summary>
public static class IngestEndpoints
{
    public const string Route = "/api/v1/events";
    /// <summary>The default per-platform body limit; <c>vigil platform limits NAME --max-body-bytes N</c> changes it per platform.</summary>
    public const long MaxBodyBytes = 16L * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static RouteHandlerBuilder MapIngest(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, HandleAsync)
            .RequireAuthorization(PlatformKeyAuthenticationHandler.Policy)
            .RequireRateLimiting(PlatformRateLimits.Policy)
            .DisableAntiforgery()
            .WithName("PostEvents")
            .WithTags("Ingest")
            .WithSummary("Send a batch of content events")
            .WithDescription(
                "Stores each valid event once per platform (by item_id) and answers one result per event, in order: accepted, " +
                "duplicate or rejected with a reason. A request-level problem (malformed JSON, no events array, over 1000 events) " +
                "is a 400 and stores nothing. Bodies are limited per platform (default 16 MiB: 413), requests per platform by a " +
                "token bucket (default 50/s, burst 100: 429 with Retry-After).")
            .Accepts<IngestBatchRequest>("application/json")
            .Produces<IngestBatchResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task<IResult> HandleAsync(HttpContext ctx, VigilDb db, TimeProvider time, IngestMetrics metrics, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var platform = PlatformLimitClaims.Read(ctx.User)!.Value;
        var platformId = platform.PlatformId;
        var maxBody = platform.Limits.MaxBodyBytes;
        if (ctx.Request.ContentLength > maxBody)
        {
            metrics.Batch("too_large", ctx.Request.ContentLength.Value, time.GetElapsedTime(started));
            return TooLarge(maxBody);
        }
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Our own cap below is the real one; this only keeps Kestrel's default from cutting in first.
            limit.MaxRequestBodySize = maxBody + 1;
        }
        var body = await ReadCappedAsync(ctx.Request.Body, maxBody, ct);
        if (body is null)
        {
            metrics.Batch("too_large", -1, time.GetElapsedTime(started));
            return TooLarge(maxBody);
        }
        List<IngestItem> good;
        List<int> goodIndexes;
        IngestResult?[] results;
        try
        {
            (good, goodIndexes, results) = IngestBatch.Parse(body.Value, time.GetUtcNow());
        }
        catch (IngestBatchException e)
        {
            metrics.Batch("bad_request", body.Value.Length, time.GetElapsedTime(started));
            return Results.Problem(detail: e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad batch");
        }
        foreach (var item in good)
        {
            item.PlatformId = platformId;
        }
        var stored = await IngestStore.StoreAsync(db, platformId, good, ct);
        if (stored.Any(x => x)) { ctx.RequestServices.GetService<Pipeline.PipelineNotifier>()?.NewItemsStored(); }
        for (int k = 0; k < good.Count; k++)
        {
            results[goodIndexes[k]] = new IngestResult(goodIndexes[k], good[k].ItemId, stored[k] ? IngestStatus.Accepted : IngestStatus.Duplicate);
            metrics.Event(good[k].Type, stored[k] ? "accepted" : "duplicate");
        }
        foreach (var r in results)
        {
            if (r is { Status: IngestStatus.Rejected })
            {
                // A rejected event's type may itself be the problem; an unbounded label would flood Prometheus.
                metrics.Event("unknown", "rejected");
            }
        }
        metrics.Batch("ok", body.Value.Length, time.GetElapsedTime(started));
        return Results.Json(new { Results = results }, Json);
    }

    private static IResult TooLarge(long maxBody) =>
        Results.Problem(detail: $"the body is over this platform's limit of {maxBody} bytes; send smaller batches", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    /// <summary>Reads the whole body, or returns null as soon as it passes <paramref name="maxBody"/> bytes (chunked bodies too).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadCappedAsync(Stream body, long maxBody, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > maxBody)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
