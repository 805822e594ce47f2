using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace Vigil.Ingest;

/// <summary>The outcome for one item of a batch.</summary>
public enum IngestStatus
{
    Accepted,
    Duplicate,
    Rejected,
}

/// <summary>What the API answers for item <see cref="Index"/> of a batch.</summary>
public sealed record IngestResult(int Index, string? ItemId, IngestStatus Status, string? Reason = null);

/// <summary>A whole request the API refuses (400), with a precise reason.</summary>
public sealed class IngestBatchException(string message) : Exception(message)
{
    public IngestBatchException() : this("bad batch") { }

    public IngestBatchException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>
/// Reads and validates a <c>POST /api/v1/events</c> body. The batch as a whole must be well-formed JSON with only an
/// <c>events</c> array of at most <see cref="MaxEvents"/> items; each item is then checked on its own so one bad
/// item does not cost the good ones.
/// </summary>
public static class IngestBatch
{
    public const int MaxEvents = 1000;
    public const int MaxIdLength = 200;
    public const string E2eeBodyRefused = "end-to-end-encrypted messages carry only metadata; the body is never accepted";

    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "post", "comment", "direct_message", "image", "profile_update", "account",
    };

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "item_id", "type", "account_id", "created_at", "text", "e2ee", "image_base64", "metadata",
    };

    /// <summary>Parses <paramref name="utf8"/>; throws <see cref="IngestBatchException"/> for a request-level error.</summary>
    public static (List<IngestItem> Good, List<int> GoodIndexes, IngestResult?[] Results) Parse(ReadOnlyMemory<byte> utf8, DateTimeOffset receivedAt)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            throw new IngestBatchException("the body is not valid UTF-8");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine are zero-based.
            throw new IngestBatchException($"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new IngestBatchException("the body must be a JSON object: { \"events\": [ ... ] }");
            }
            JsonElement events = default;
            bool found = false;
            foreach (var p in root.EnumerateObject())
            {
                if (p.NameEquals("events"))
                {
                    events = p.Value;
                    found = true;
                }
                else
                {
                    throw new IngestBatchException($"unknown top-level field '{p.Name}'; the only field is 'events'");
                }
            }
            if (!found || events.ValueKind != JsonValueKind.Array)
            {
                throw new IngestBatchException("'events' must be present and be an array");
            }
            int count = events.GetArrayLength();
            if (count > MaxEvents)
            {
                throw new IngestBatchException($"{count} events in one batch; at most {MaxEvents} are allowed");
            }
            var results = new IngestResult?[count];
            var good = new List<IngestItem>(count);
            var goodIndexes = new List<int>(count);
            int i = 0;
            foreach (var e in events.EnumerateArray())
            {
                var (item, itemId, reason) = ParseItem(e, receivedAt);
                if (item is null)
                {
                    results[i] = new IngestResult(i, itemId, IngestStatus.Rejected, reason);
                }
                else
                {
                    good.Add(item);
                    goodIndexes.Add(i);
                }
                i++;
            }
            return (good, goodIndexes, results);
        }
    }

    private static (IngestItem? Item, string? ItemId, string? Reason) ParseItem(JsonElement e, DateTimeOffset receivedAt)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, null, "an event must be a JSON object");
        }
        string? itemId = e.TryGetProperty("item_id", out var idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString() : null;
        foreach (var p in e.EnumerateObject())
        {
            if (!Fields.Contains(p.Name))
            {
                return (null, itemId, $"unknown field '{p.Name}'");
            }
        }
        if (RequiredString(e, "item_id", out var id) is { } r1)
        {
            return (null, itemId, r1);
        }
        if (RequiredString(e, "type", out var type) is { } r2)
        {
            return (null, id, r2);
        }
        if (!Types.Contains(type))
        {
            return (null, id, $"unknown type '{type}'; one of: {string.Join(", ", Types)}");
        }
        if (RequiredString(e, "account_id", out var account) is { } r3)
        {
            return (null, id, r3);
        }
        if (!e.TryGetProperty("created_at", out var createdEl))
        {
            return (null, id, "missing field 'created_at'");
        }
        if (createdEl.ValueKind != JsonValueKind.String || !createdEl.TryGetDateTimeOffset(out var createdAt))
        {
            return (null, id, "'created_at' must be an ISO 8601 date-time string with an offset, e.g. 2026-11-27T09:00:00Z");
        }
        string? text = null;
        if (e.TryGetProperty("text", out var textEl) && textEl.ValueKind != JsonValueKind.Null)
        {
            if (textEl.ValueKind != JsonValueKind.String)
            {
                return (null, id, "'text' must be a string");
            }
            text = textEl.GetString();
        }
        bool e2ee = false;
        if (e.TryGetProperty("e2ee", out var e2eeEl) && e2eeEl.ValueKind != JsonValueKind.Null)
        {
            if (e2eeEl.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, id, "'e2ee' must be true or false");
            }
            e2ee = e2eeEl.GetBoolean();
        }
        byte[]? image = null;
        if (e.TryGetProperty("image_base64", out var imgEl) && imgEl.ValueKind != JsonValueKind.Null)
        {
            if (imgEl.ValueKind != JsonValueKind.String)
            {
                return (null, id, "'image_base64' must be a string");
            }
            if (!TryDecodeBase64(imgEl, out image))
            {
                return (null, id, "'image_base64' is not valid base64");
            }
        }
        if (e2ee && (text is not null || image is not null))
        {
            return (null, id, E2eeBodyRefused);
        }
        if (e2ee && type != "direct_message")
        {
            return (null, id, "'e2ee' applies only to direct_message events");
        }
        if (type == "image" && image is null)
        {
            return (null, id, "an 'image' event needs 'image_base64'");
        }
        string? metadata = null;
        if (e.TryGetProperty("metadata", out var metaEl) && metaEl.ValueKind != JsonValueKind.Null)
        {
            if (metaEl.ValueKind != JsonValueKind.Object)
            {
                return (null, id, "'metadata' must be a JSON object");
            }
            metadata = metaEl.GetRawText();
        }
        return (new IngestItem
        {
            ItemId = id,
            Type = type,
            AccountId = account,
            // Kept in UTC: PostgreSQL timestamptz takes only offset 0, and the instant is what matters.
            CreatedAt = createdAt.ToUniversalTime(),
            ReceivedAt = receivedAt,
            Text = text,
            E2ee = e2ee,
            Image = image,
            ImageSha256 = image is null ? null : SHA256.HashData(image),
            Metadata = metadata,
        }, id, null);
    }

    private static string? RequiredString(JsonElement e, string name, out string value)
    {
        value = "";
        if (!e.TryGetProperty(name, out var el) || el.ValueKind == JsonValueKind.Null)
        {
            return $"missing field '{name}'";
        }
        if (el.ValueKind != JsonValueKind.String)
        {
            return $"'{name}' must be a string";
        }
        value = el.GetString()!;
        if (value.Length is 0 or > MaxIdLength)
        {
            return $"'{name}' must be 1 to {MaxIdLength} characters";
        }
        return null;
    }

    private static bool TryDecodeBase64(JsonElement el, out byte[]? bytes)
    {
        // Standard base64 (with padding) first, then the URL-safe alphabet platforms also use.
        if (el.TryGetBytesFromBase64(out bytes) && bytes.Length > 0)
        {
            return true;
        }
        var s = el.GetString()!;
        if (s.Length > 0 && Base64Url.IsValid(s))
        {
            bytes = Base64Url.DecodeFromChars(s);
            return bytes.Length > 0;
        }
        bytes = null;
        return false;
    }

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..(dot + 1)];
    }
}
