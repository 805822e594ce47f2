using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Ingest;

/// <summary><c>POST /api/v1/events</c>: platforms send batches of content events, authenticated by API key.</summary>
public static class IngestEndpoints
{
    public const string Route = "/api/v1/events";
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
            .DisableAntiforgery();

    private static async Task<IResult> HandleAsync(HttpContext ctx, VigilDb db, TimeProvider time, CancellationToken ct)
    {
        var platformId = long.Parse(ctx.User.FindFirst(PlatformKeyAuthenticationHandler.PlatformIdClaim)!.Value, CultureInfo.InvariantCulture);
        if (ctx.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Our own cap below is the real one; this only keeps Kestrel's default from cutting in first.
            limit.MaxRequestBodySize = MaxBodyBytes + 1;
        }
        var body = await ReadCappedAsync(ctx.Request.Body, ct);
        if (body is null)
        {
            return TooLarge();
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
        }
        return Results.Json(new { Results = results }, Json);
    }

    private static IResult TooLarge() =>
        Results.Problem(detail: $"the body is over {MaxBodyBytes} bytes; send smaller batches", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    /// <summary>Reads the whole body, or returns null as soon as it passes <see cref="MaxBodyBytes"/> (chunked bodies too).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadCappedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
