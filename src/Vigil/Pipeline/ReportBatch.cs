using System.Text.Json;

namespace Vigil.Pipeline;

/// <summary>One well-formed report of a <c>POST /api/v1/reports</c> batch, before the item is looked up.</summary>
public sealed record ReportInput(string ReportId, string ItemId, string? ReporterAccountId, string Reason);

/// <summary>What the API answers for report <see cref="Index"/> of a batch.</summary>
public sealed record ReportResult(int Index, string? ReportId, ReportStatus Status, string? Reason = null);

/// <summary>The outcome for one report.</summary>
public enum ReportStatus
{
    Accepted,
    Duplicate,
    Rejected,
}

/// <summary>A whole request the reports API refuses (400), with a precise reason.</summary>
public sealed class ReportBatchException(string message) : Exception(message)
{
    public ReportBatchException() : this("bad batch") { }

    public ReportBatchException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>
/// Reads and validates a <c>POST /api/v1/reports</c> body: <c>{ "reports": [ { "report_id", "item_id",
/// "reporter_account_id"?, "reason" } ] }</c>. Request-level faults refuse the whole batch; each report is then
/// checked on its own, so one bad report does not cost the good ones.
/// </summary>
public static class ReportBatch
{
    public const int MaxReports = 1000;
    public const int MaxIdLength = 200;
    public const int MaxReasonLength = 1000;
    public const long MaxBodyBytes = 1024 * 1024;

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal) { "report_id", "item_id", "reporter_account_id", "reason" };

    /// <summary>Parses <paramref name="utf8"/>; throws <see cref="ReportBatchException"/> for a request-level error.</summary>
    public static (List<ReportInput> Good, List<int> GoodIndexes, ReportResult?[] Results) Parse(ReadOnlyMemory<byte> utf8)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw new ReportBatchException("the body is not valid UTF-8");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine are zero-based.
            throw new ReportBatchException($"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ReportBatchException("the body must be a JSON object: { \"reports\": [ ... ] }");
            }
            JsonElement reports = default;
            var found = false;
            foreach (var p in root.EnumerateObject())
            {
                if (!p.NameEquals("reports"))
                {
                    throw new ReportBatchException($"unknown top-level field '{p.Name}'; the only field is 'reports'");
                }
                reports = p.Value;
                found = true;
            }
            if (!found || reports.ValueKind != JsonValueKind.Array)
            {
                throw new ReportBatchException("'reports' must be present and be an array");
            }
            var count = reports.GetArrayLength();
            if (count > MaxReports)
            {
                throw new ReportBatchException($"{count} reports in one batch; at most {MaxReports} are allowed");
            }
            var results = new ReportResult?[count];
            var good = new List<ReportInput>(count);
            var goodIndexes = new List<int>(count);
            var i = 0;
            foreach (var e in reports.EnumerateArray())
            {
                var (report, id, reason) = ParseReport(e);
                if (report is null)
                {
                    results[i] = new ReportResult(i, id, ReportStatus.Rejected, reason);
                }
                else
                {
                    good.Add(report);
                    goodIndexes.Add(i);
                }
                i++;
            }
            return (good, goodIndexes, results);
        }
    }

    private static (ReportInput? Report, string? ReportId, string? Reason) ParseReport(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, null, "a report must be a JSON object");
        }
        var reportId = e.TryGetProperty("report_id", out var idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString() : null;
        foreach (var p in e.EnumerateObject())
        {
            if (!Fields.Contains(p.Name))
            {
                return (null, reportId, $"unknown field '{p.Name}'");
            }
        }
        if (Text(e, "report_id", MaxIdLength, required: true, out var id) is { } r1)
        {
            return (null, reportId, r1);
        }
        if (Text(e, "item_id", MaxIdLength, required: true, out var item) is { } r2)
        {
            return (null, id, r2);
        }
        if (Text(e, "reporter_account_id", MaxIdLength, required: false, out var reporter) is { } r3)
        {
            return (null, id, r3);
        }
        if (Text(e, "reason", MaxReasonLength, required: true, out var reason) is { } r4)
        {
            return (null, id, r4);
        }
        return (new ReportInput(id!, item!, reporter, reason!), id, null);
    }

    private static string? Text(JsonElement e, string name, int max, bool required, out string? value)
    {
        value = null;
        if (!e.TryGetProperty(name, out var el) || el.ValueKind == JsonValueKind.Null)
        {
            return required ? $"missing field '{name}'" : null;
        }
        if (el.ValueKind != JsonValueKind.String)
        {
            return $"'{name}' must be a string";
        }
        value = el.GetString()!;
        if (value.Length == 0 || value.Length > max)
        {
            return $"'{name}' must be 1 to {max} characters";
        }
        return null;
    }
}
