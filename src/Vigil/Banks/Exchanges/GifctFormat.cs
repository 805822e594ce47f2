using System.Globalization;
using System.Text.Json;

namespace Vigil.Banks.Exchanges;

/// <summary>
/// GIFCT hash-sharing records: pages <c>{hashes: [...], next_page_token, has_more_records}</c> of
/// <c>{indicator, type, confidence, tags, created_at}</c> with ThreatExchange indicator types
/// (<c>HASH_PDQ</c>, <c>HASH_MD5</c>, <c>HASH_VIDEO_MD5</c>). A record with <c>deleted: true</c>
/// (or <c>is_deleted</c>) removes the hash on import.
/// </summary>
public static class GifctFormat
{
    private static readonly string[] ArrayNames = ["hashes", "records", "hash_records", "results", "data"];

    public static ExchangeBatch Parse(string file, byte[] content)
    {
        using var json = JsonRecords.Open(file, content, ArrayNames);
        var records = new List<ExchangeRecord>();
        foreach (var (o, line) in json.Objects(file))
        {
            var typeName = JsonRecords.RequiredString(file, line, o, "type");
            var type = ExchangeFormats.Type(file, line, "type", typeName);
            var signal = ExchangeFormats.Canonical(file, line, "indicator", type, JsonRecords.RequiredString(file, line, o, "indicator"));
            var confidence = JsonRecords.OptionalNumber(file, line, o, "confidence");
            if (confidence is < 0 or > 100)
            {
                throw new ExchangeFormatException(file, line, "confidence", $"{confidence} is outside 0..100");
            }
            var tags = Tags(file, line, o);
            var created = JsonRecords.OptionalTime(file, line, o, "created_at");
            records.Add(new ExchangeRecord(
                line,
                type,
                signal,
                new ExchangeLabels
                {
                    ContentType = typeName.Equals("HASH_VIDEO_MD5", StringComparison.OrdinalIgnoreCase) ? "video" : null,
                    // GIFCT confidences are 0..100 where given as such; keep 0..1 in the bank.
                    Confidence = confidence is > 1 ? confidence / 100 : confidence,
                    Tags = tags,
                    Entity = TagValue(tags, "entity"),
                    Ideology = TagValue(tags, "ideology"),
                    Source = "gifct",
                    FirstSeen = created,
                },
                Deleted: JsonRecords.OptionalBool(file, line, o, "deleted") || JsonRecords.OptionalBool(file, line, o, "is_deleted"),
                UpdatedAt: JsonRecords.OptionalTime(file, line, o, "updated_at") ?? created,
                SourceRef: JsonRecords.OptionalString(file, line, o, "id")));
        }
        string? token = null;
        var hasMore = false;
        if (json.Envelope is { } env)
        {
            token = JsonRecords.OptionalString(file, 1, env, "next_page_token");
            hasMore = JsonRecords.OptionalBool(file, 1, env, "has_more_records");
        }
        if (hasMore && string.IsNullOrEmpty(token))
        {
            throw new ExchangeFormatException(file, 1, "next_page_token", "has_more_records is true but no next_page_token is given");
        }
        return new ExchangeBatch(ExchangeFormat.Gifct, records, token, hasMore);
    }

    public static void Write(Stream output, IReadOnlyList<ExchangeRecord> records)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("hashes");
        foreach (var r in records.Where(r => r.Type is SignalType.Pdq or SignalType.Md5 or SignalType.Sha256))
        {
            w.WriteStartObject();
            if (r.SourceRef is not null)
            {
                w.WriteString("id", r.SourceRef);
            }
            w.WriteString("indicator", r.Signal);
            w.WriteString("type", r.Type.ThreatExchangeName(video: string.Equals(r.Labels.ContentType, "video", StringComparison.OrdinalIgnoreCase)));
            if (r.Labels.Confidence is { } c)
            {
                w.WriteNumber("confidence", Math.Round(c * 100, 2));
            }
            w.WriteStartArray("tags");
            foreach (var tag in AllTags(r.Labels))
            {
                w.WriteStringValue(tag);
            }
            w.WriteEndArray();
            if (r.Labels.FirstSeen is { } created)
            {
                w.WriteString("created_at", ExchangeTime.Format(created));
            }
            if (r.Deleted)
            {
                w.WriteBoolean("deleted", true);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNull("next_page_token");
        w.WriteBoolean("has_more_records", false);
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    private static string? Tags(string file, int line, JsonElement o)
    {
        if (!o.TryGetProperty("tags", out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new ExchangeFormatException(file, line, "tags", "expected an array of strings");
        }
        var tags = new List<string>();
        foreach (var t in v.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String)
            {
                throw new ExchangeFormatException(file, line, "tags", $"expected a string tag, found {t.GetRawText()}");
            }
            var s = t.GetString()!.Trim();
            if (s.Contains(',', StringComparison.Ordinal))
            {
                throw new ExchangeFormatException(file, line, "tags", $"tag '{s}' contains a comma");
            }
            tags.Add(s);
        }
        return tags.Count == 0 ? null : string.Join(',', tags);
    }

    /// <summary>Tags of the form <c>entity:Name</c> carry labels; the rest are kept as free tags.</summary>
    private static string? TagValue(string? tags, string key) =>
        tags?.Split(',').Select(t => t.Trim()).FirstOrDefault(t => t.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))?[(key.Length + 1)..];

    private static List<string> AllTags(ExchangeLabels labels)
    {
        var tags = labels.Tags?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() ?? [];
        if (labels.Entity is not null && TagValue(labels.Tags, "entity") is null)
        {
            tags.Add("entity:" + labels.Entity);
        }
        if (labels.Ideology is not null && TagValue(labels.Tags, "ideology") is null)
        {
            tags.Add("ideology:" + labels.Ideology);
        }
        if (labels.Severity is { } s)
        {
            tags.Add("severity:" + s.ToString(CultureInfo.InvariantCulture));
        }
        return tags;
    }
}
