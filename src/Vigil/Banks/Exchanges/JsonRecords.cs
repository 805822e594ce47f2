using System.Globalization;
using System.Text.Json;

namespace Vigil.Banks.Exchanges;

/// <summary>
/// Reads the array of record objects out of a JSON hash list and remembers the line each record
/// starts on, so that an error can name it (System.Text.Json's DOM keeps no positions).
/// </summary>
internal sealed class JsonRecords : IDisposable
{
    private readonly JsonDocument document;
    private readonly int[] newlineOffsets;
    private readonly List<long> recordOffsets;

    private JsonRecords(JsonDocument document, int[] newlineOffsets, List<long> recordOffsets, JsonElement? envelope, JsonElement records)
    {
        this.document = document;
        this.newlineOffsets = newlineOffsets;
        this.recordOffsets = recordOffsets;
        Envelope = envelope;
        Records = records;
    }

    /// <summary>The object around the records (paging fields), or null when the file is a bare array.</summary>
    public JsonElement? Envelope { get; }

    public JsonElement Records { get; }

    /// <summary>Each record with the line it starts on; a record that is not an object is refused.</summary>
    public IEnumerable<(JsonElement Record, int Line)> Objects(string file)
    {
        var i = 0;
        foreach (var o in Records.EnumerateArray())
        {
            var line = LineAt(recordOffsets[i++]);
            if (o.ValueKind != JsonValueKind.Object)
            {
                throw new ExchangeFormatException(file, line, null, "expected a hash record object");
            }
            yield return (o, line);
        }
    }

    public static JsonRecords Open(string file, byte[] content, IReadOnlyList<string> arrayNames)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new ExchangeFormatException(file, (int)(e.LineNumber ?? 0) + 1, null, $"malformed JSON: {FirstSentence(e.Message)}");
        }
        var root = document.RootElement;
        JsonElement? envelope = null;
        JsonElement records;
        string? arrayName = null;
        if (root.ValueKind == JsonValueKind.Array)
        {
            records = root;
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            envelope = root;
            arrayName = arrayNames.FirstOrDefault(n => root.TryGetProperty(n, out var p) && p.ValueKind == JsonValueKind.Array);
            if (arrayName is null)
            {
                document.Dispose();
                throw new ExchangeFormatException(file, 1, null, $"expected an array of records or an object with one of: {string.Join(", ", arrayNames)}");
            }
            records = root.GetProperty(arrayName);
        }
        else
        {
            document.Dispose();
            throw new ExchangeFormatException(file, 1, null, "expected a JSON array or object");
        }
        return new JsonRecords(document, NewlineOffsets(content), RecordOffsets(content, arrayName), envelope, records);
    }

    public void Dispose() => document.Dispose();

    private int LineAt(long offset)
    {
        var i = Array.BinarySearch(newlineOffsets, (int)offset);
        return (i < 0 ? ~i : i) + 1;
    }

    private static int[] NewlineOffsets(byte[] content)
    {
        var list = new List<int>();
        var span = content.AsSpan();
        var start = 0;
        int i;
        while ((i = span[start..].IndexOf((byte)'\n')) >= 0)
        {
            list.Add(start + i);
            start += i + 1;
        }
        return [.. list];
    }

    private static List<long> RecordOffsets(byte[] content, string? arrayName)
    {
        var offsets = new List<long>();
        var reader = new Utf8JsonReader(content, new JsonReaderOptions { MaxDepth = 32 });
        var elementDepth = arrayName is null ? 1 : 2;
        var inArray = arrayName is null;
        while (reader.Read())
        {
            if (!inArray && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(arrayName))
            {
                inArray = true;
                continue;
            }
            if (inArray && reader.CurrentDepth == elementDepth && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
            {
                offsets.Add(reader.TokenStartIndex);
            }
            if (inArray && reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == elementDepth - 1)
            {
                break;
            }
        }
        return offsets;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    // ---- field readers: each names the line and the field when the value is wrong ----

    public static string? OptionalString(string file, int line, JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? Utf8String(file, line, name, v)
        : v.ValueKind == JsonValueKind.Number ? v.GetRawText()
        : throw new ExchangeFormatException(file, line, name, $"expected a string, found {v.ValueKind.ToString().ToLowerInvariant()}");

    private static string? Utf8String(string file, int line, string name, JsonElement v)
    {
        try
        {
            return v.GetString();
        }
        catch (InvalidOperationException)
        {
            throw new ExchangeFormatException(file, line, name, "not valid UTF-8 text");
        }
    }

    public static string RequiredString(string file, int line, JsonElement o, string name) =>
        OptionalString(file, line, o, name) is { Length: > 0 } s ? s
        : throw new ExchangeFormatException(file, line, name, "required field is missing or empty");

    public static bool OptionalBool(string file, int line, JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? false
        : v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ExchangeFormatException(file, line, name, $"expected true or false, found {v.GetRawText()}"),
        };

    public static double? OptionalNumber(string file, int line, JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }
        if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d))
        {
            return d;
        }
        throw new ExchangeFormatException(file, line, name, $"expected a number, found {v.GetRawText()}");
    }

    /// <summary>A time as ISO 8601 text or as Unix seconds (TAT sends floats).</summary>
    public static DateTimeOffset? OptionalTime(string file, int line, JsonElement o, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var seconds) && seconds is >= 0 and < 253402300800)
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            return ExchangeTime.Parse(file, line, name, Utf8String(file, line, name, v));
        }
        throw new ExchangeFormatException(file, line, name, $"expected an ISO 8601 time or Unix seconds, found {v.GetRawText()}");
    }
}

internal static class ExchangeTime
{
    public static DateTimeOffset? Parse(string file, int line, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 0 and < 253402300800)
        {
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }
        throw new ExchangeFormatException(file, line, field, $"'{text}' is not an ISO 8601 time or Unix seconds");
    }

    public static string Format(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
