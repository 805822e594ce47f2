using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Ledger;
using Vigil.Platforms;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>The outcome for one record.</summary>
public enum RecordStatus
{
    Accepted,
    Duplicate,
    Rejected,
}

/// <summary>What the API answers for one record (its index in a JSON batch, or its line in an NDJSON stream).</summary>
public sealed record RecordResult(int? Index, int? Line, string? Key, RecordStatus Status, int? HttpStatus = null, string? Field = null, string? Reason = null);

/// <summary>
/// <c>POST /api/v1/records/{category}</c>: platforms keep the records they must be able to disclose (docs/records.md).
/// A JSON batch (<c>{"records": [...]}</c>, at most <see cref="MaxBatch"/>) or an NDJSON stream (one record per line,
/// stored and answered in chunks of <see cref="ChunkLines"/> lines).
/// </summary>
public static class RecordsEndpoints
{
    public const string Route = "/api/v1/records/{category}";
    public const string NdjsonMediaType = "application/x-ndjson";
    public const int MaxBatch = 1000;
    public const int ChunkLines = 500;

    /// <summary>Longest NDJSON line: a stored-content record with the largest body, base64-encoded, plus its fields.</summary>
    public const int MaxLineBytes = (RecordParsing.MaxBodyBytes / 3 * 4) + (64 * 1024);

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Registers the retention policy and the purge job.</summary>
    public static IServiceCollection AddRecords(this IServiceCollection services, VigilStore store)
    {
        services.AddSingleton(_ => RetentionPolicy.LoadDataDirectory(store.DataDirectory.FullName));
        services.AddHostedService<RecordPurgeService>();
        return services;
    }

    /// <summary>Maps the records API (platform API key).</summary>
    public static RouteHandlerBuilder MapRecords(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, HandleAsync)
            .RequireAuthorization(PlatformKeyAuthenticationHandler.Policy)
            .RequireRateLimiting(PlatformRateLimits.Policy)
            .DisableAntiforgery()
            .WithName("PostRecords")
            .WithTags("Records")
            .WithSummary("Keep records for lawful disclosure (subscribers, access_logs, message_metadata, stored_content, media_hashes)")
            .WithDescription(
                "application/json: {\"records\": [...]} (at most 1000), one result per record in order. application/x-ndjson: one record per " +
                "line, answered as NDJSON lines {line, status, ...} after each chunk of 500 lines commits. A record is accepted (stored), a " +
                "duplicate (already stored: its natural key exists) or rejected with its HTTP status, field and reason; good records of the " +
                "same request are kept. End-to-end-encrypted items are refused by stored_content and message metadata has no body field.")
            .Produces(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> HandleAsync(string category, HttpContext ctx, VigilDb db, TimeProvider time, LedgerLog ledger, CancellationToken ct)
    {
        if (!RecordParsing.Segments.TryGetValue(category, out var cat))
        {
            return Results.Problem(detail: $"unknown record category '{category}'; one of: {string.Join(", ", RecordParsing.Segments.Keys)}",
                statusCode: StatusCodes.Status404NotFound, title: "Unknown category");
        }
        var platform = PlatformLimitClaims.Read(ctx.User)!.Value;
        var maxBody = platform.Limits.MaxBodyBytes;
        if (ctx.Request.ContentLength > maxBody)
        {
            return TooLarge(maxBody);
        }
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // Our own cap is the real one; this only keeps Kestrel's default from cutting in first.
            limit.MaxRequestBodySize = maxBody + 1;
        }
        var mediaType = ctx.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var audit = new Audit(ledger, platform.Name, cat);
        switch (mediaType)
        {
            case "application/json":
                var result = await BatchAsync(ctx, db, time, cat, platform.PlatformId, maxBody, audit, ct);
                await audit.FlushAsync(ct);
                return result;
            case NdjsonMediaType:
                await StreamAsync(ctx, db, time, cat, platform.PlatformId, maxBody, audit, ct);
                await audit.FlushAsync(ct);
                return Results.Empty;
            default:
                return Results.Problem(detail: $"send application/json ({{\"records\": [...]}}) or {NdjsonMediaType} (one record per line)",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }
    }

    private static async Task<IResult> BatchAsync(HttpContext ctx, VigilDb db, TimeProvider time, RecordCategory cat, long platformId, long maxBody, Audit audit, CancellationToken ct)
    {
        var body = await ReadCappedAsync(ctx.Request.Body, maxBody, ct);
        if (body is null)
        {
            return TooLarge(maxBody);
        }
        if (!System.Text.Unicode.Utf8.IsValid(body.Value.Span))
        {
            return BadBatch("the body is not valid UTF-8");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.Value, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return BadBatch($"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return BadBatch("the body must be a JSON object: { \"records\": [ ... ] }");
            }
            JsonElement records = default;
            foreach (var p in root.EnumerateObject())
            {
                if (!p.NameEquals("records"))
                {
                    return BadBatch($"unknown top-level field '{p.Name}'; the only field is 'records'");
                }
                records = p.Value;
            }
            if (records.ValueKind != JsonValueKind.Array)
            {
                return BadBatch("'records' must be present and be an array");
            }
            int count = records.GetArrayLength();
            if (count > MaxBatch)
            {
                return BadBatch($"{count} records in one batch; at most {MaxBatch} (stream more as {NdjsonMediaType})");
            }
            var now = time.GetUtcNow();
            var results = new RecordResult[count];
            var good = new List<ParsedRecord>(count);
            var goodIndexes = new List<int>(count);
            int i = 0;
            foreach (var e in records.EnumerateArray())
            {
                var (record, key, error) = RecordParsing.Parse(cat, e, platformId, now);
                if (record is null)
                {
                    results[i] = new RecordResult(i, null, key, RecordStatus.Rejected, error!.Status, error.Field, error.Message);
                }
                else
                {
                    good.Add(record);
                    goodIndexes.Add(i);
                }
                i++;
            }
            var stored = await RecordStore.StoreAsync(db, good, ct);
            for (int k = 0; k < good.Count; k++)
            {
                results[goodIndexes[k]] = new RecordResult(goodIndexes[k], null, good[k].Key, stored[k] ? RecordStatus.Accepted : RecordStatus.Duplicate);
            }
            audit.Count(results);
            return Results.Json(new { Results = results, Accepted = audit.Accepted, Duplicate = audit.Duplicate, Rejected = audit.Rejected }, Json);
        }
    }

    private static async Task StreamAsync(HttpContext ctx, VigilDb db, TimeProvider time, RecordCategory cat, long platformId, long maxBody, Audit audit, CancellationToken ct)
    {
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = NdjsonMediaType;
        var reader = ctx.Request.BodyReader;
        var pending = new List<(int Line, ParsedRecord? Record, RecordResult? Rejected)>(ChunkLines);
        long total = 0;
        int line = 0;
        bool skipping = false;
        bool tooLarge = false;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            var buffer = read.Buffer;
            while (TryReadLine(ref buffer, out var raw))
            {
                total += raw.Length + 1;
                if (skipping)
                {
                    // The rest of an over-long line, already answered.
                    skipping = false;
                    continue;
                }
                line++;
                pending.Add(ParseLine(cat, line, raw, platformId, time.GetUtcNow()));
                if (pending.Count >= ChunkLines)
                {
                    await FlushChunkAsync(ctx, db, pending, audit, ct);
                }
            }
            if (total + buffer.Length > maxBody)
            {
                tooLarge = true;
                reader.AdvanceTo(buffer.End);
                break;
            }
            if (buffer.Length > MaxLineBytes && !skipping)
            {
                line++;
                pending.Add((line, null, new RecordResult(null, line, null, RecordStatus.Rejected, StatusCodes.Status413PayloadTooLarge, null,
                    $"line {line} is over {MaxLineBytes} bytes; it was not read")));
                skipping = true;
            }
            if (skipping)
            {
                total += buffer.Length;
                reader.AdvanceTo(buffer.End);
            }
            else
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
            if (read.IsCompleted)
            {
                if (!skipping && buffer.Length > 0)
                {
                    // A last line without a newline.
                    line++;
                    pending.Add(ParseLine(cat, line, buffer, platformId, time.GetUtcNow()));
                }
                break;
            }
        }
        await FlushChunkAsync(ctx, db, pending, audit, ct);
        if (tooLarge)
        {
            var stop = new RecordResult(null, line + 1, null, RecordStatus.Rejected, StatusCodes.Status413PayloadTooLarge, null,
                $"the body passed this platform's limit of {maxBody} bytes at line {line + 1}; that line and all after it were not read (the lines answered above stand)");
            audit.Count([stop]);
            await WriteLineAsync(ctx.Response.BodyWriter, stop, ct);
        }
        await WriteLineAsync(ctx.Response.BodyWriter, new { Summary = new { audit.Accepted, audit.Duplicate, audit.Rejected } }, ct);
        await ctx.Response.BodyWriter.FlushAsync(ct);
    }

    private static (int, ParsedRecord?, RecordResult?) ParseLine(RecordCategory cat, int line, ReadOnlySequence<byte> raw, long platformId, DateTimeOffset now)
    {
        var bytes = raw.IsSingleSegment ? raw.First : raw.ToArray();
        var span = bytes.Span;
        if (span.Length > 0 && span[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            return (line, null, new RecordResult(null, line, null, RecordStatus.Rejected, StatusCodes.Status400BadRequest, null, $"line {line} is not valid UTF-8"));
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            var (record, key, error) = RecordParsing.Parse(cat, doc.RootElement, platformId, now);
            return record is null
                ? (line, null, new RecordResult(null, line, key, RecordStatus.Rejected, error!.Status, error.Field,
                    error.Field is null ? $"line {line}: {error.Message}" : $"line {line}, field '{error.Field}': {error.Message}"))
                : (line, record, null);
        }
        catch (JsonException e)
        {
            return (line, null, new RecordResult(null, line, null, RecordStatus.Rejected, StatusCodes.Status400BadRequest, null,
                $"line {line}: malformed JSON at byte {e.BytePositionInLine + 1}"));
        }
    }

    private static async Task FlushChunkAsync(HttpContext ctx, VigilDb db, List<(int Line, ParsedRecord? Record, RecordResult? Rejected)> pending, Audit audit, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return;
        }
        var good = pending.Where(x => x.Record is not null).Select(x => x.Record!).ToList();
        var stored = await RecordStore.StoreAsync(db, good, ct);
        // Results are written only now, after the chunk's transaction committed: an "accepted" line is durable.
        int k = 0;
        var results = new List<RecordResult>(pending.Count);
        foreach (var (line, record, rejected) in pending)
        {
            results.Add(rejected ?? new RecordResult(null, line, record!.Key, stored[k++] ? RecordStatus.Accepted : RecordStatus.Duplicate));
        }
        audit.Count(results);
        foreach (var r in results)
        {
            await WriteLineAsync(ctx.Response.BodyWriter, r, ct);
        }
        await ctx.Response.BodyWriter.FlushAsync(ct);
        pending.Clear();
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var position = buffer.PositionOf((byte)'\n');
        if (position is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, position.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
        return true;
    }

    private static async Task WriteLineAsync<T>(PipeWriter writer, T value, CancellationToken ct)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Json);
        await writer.WriteAsync(bytes, ct);
        await writer.WriteAsync("\n"u8.ToArray(), ct);
    }

    private static IResult BadBatch(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad batch");

    private static IResult TooLarge(long maxBody) =>
        Results.Problem(detail: $"the body is over this platform's limit of {maxBody} bytes; send smaller batches or stream NDJSON in several requests",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

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

    /// <summary>Counts a request's outcomes; refusals are written to the ledger once per request (never the records).</summary>
    private sealed class Audit(LedgerLog ledger, string platform, RecordCategory category)
    {
        public int Accepted { get; private set; }

        public int Duplicate { get; private set; }

        public int Rejected { get; private set; }

        private readonly List<string> reasons = [];

        public void Count(IEnumerable<RecordResult> results)
        {
            foreach (var r in results)
            {
                switch (r.Status)
                {
                    case RecordStatus.Accepted: Accepted++; break;
                    case RecordStatus.Duplicate: Duplicate++; break;
                    default:
                        Rejected++;
                        if (reasons.Count < 5)
                        {
                            reasons.Add($"{r.Index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "line " + r.Line}: {r.Field ?? "-"}");
                        }
                        break;
                }
            }
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            if (Rejected == 0)
            {
                return;
            }
            // Field names and positions only: a reason may quote a value, and record values never go into the ledger.
            var reason = $"{Rejected} {category} record(s) refused ({Accepted} accepted, {Duplicate} duplicate); first: {string.Join("; ", reasons)}";
            await ledger.AppendAsync(new LedgerEvent("platform:" + Cut(platform), "platform", RecordAudit.Refused,
                new LedgerSubject("platform", Cut(platform)), reason), ct);
        }

        private static string Cut(string s) => s.Length <= 200 ? s : s[..200];
    }
}
