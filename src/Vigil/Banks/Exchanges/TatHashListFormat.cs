using System.Globalization;
using System.Text.Json;

namespace Vigil.Banks.Exchanges;

/// <summary>
/// Tech Against Terrorism hash-list JSON: a page <c>{count, next, previous, checkpoint, results: [...]}</c>
/// (or a bare array) of <c>{id, hash_digest, algorithm, ideology, file_type, deleted, updated_on}</c>.
/// <c>deleted: true</c> removes the hash from the bank on import.
/// </summary>
public static class TatHashListFormat
{
    private static readonly string[] ArrayNames = ["results", "hashes", "data"];

    public static ExchangeBatch Parse(string file, byte[] content)
    {
        using var json = JsonRecords.Open(file, content, ArrayNames);
        var records = new List<ExchangeRecord>();
        foreach (var (o, line) in json.Objects(file))
        {
            var algorithm = JsonRecords.RequiredString(file, line, o, "algorithm");
            var type = algorithm.ToUpperInvariant() switch
            {
                "MD5" => SignalType.Md5,
                "SHA256" or "SHA-256" => SignalType.Sha256,
                "PDQ" => SignalType.Pdq,
                _ => throw new ExchangeFormatException(file, line, "algorithm", $"unknown algorithm '{algorithm}' (known: MD5, SHA256, PDQ)"),
            };
            var signal = ExchangeFormats.Canonical(file, line, "hash_digest", type, JsonRecords.RequiredString(file, line, o, "hash_digest"));
            var created = JsonRecords.OptionalTime(file, line, o, "created_on") ?? JsonRecords.OptionalTime(file, line, o, "created_at");
            var updated = JsonRecords.OptionalTime(file, line, o, "updated_on") ?? JsonRecords.OptionalTime(file, line, o, "updated_at");
            records.Add(new ExchangeRecord(
                line,
                type,
                signal,
                new ExchangeLabels
                {
                    Ideology = JsonRecords.OptionalString(file, line, o, "ideology"),
                    ContentType = JsonRecords.OptionalString(file, line, o, "file_type"),
                    Source = "tat",
                    FirstSeen = created ?? updated,
                },
                Deleted: JsonRecords.OptionalBool(file, line, o, "deleted"),
                UpdatedAt: updated,
                SourceRef: JsonRecords.OptionalString(file, line, o, "id")));
        }
        string? cursor = null;
        var hasMore = false;
        if (json.Envelope is { } env)
        {
            cursor = JsonRecords.OptionalString(file, 1, env, "checkpoint");
            hasMore = JsonRecords.OptionalString(file, 1, env, "next") is { Length: > 0 };
        }
        return new ExchangeBatch(ExchangeFormat.Tat, records, cursor, hasMore);
    }

    public static void Write(Stream output, IReadOnlyList<ExchangeRecord> records)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("count", records.Count);
        w.WriteNull("next");
        w.WriteNull("previous");
        var newest = records.Select(r => r.UpdatedAt ?? r.Labels.FirstSeen).Max();
        if (newest is { } n)
        {
            w.WriteString("checkpoint", n.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        }
        w.WriteStartArray("results");
        foreach (var r in records.Where(r => r.Type is SignalType.Md5 or SignalType.Sha256 or SignalType.Pdq))
        {
            w.WriteStartObject();
            if (r.SourceRef is not null)
            {
                w.WriteString("id", r.SourceRef);
            }
            w.WriteString("hash_digest", r.Signal);
            w.WriteString("algorithm", r.Type switch { SignalType.Md5 => "MD5", SignalType.Sha256 => "SHA256", _ => "PDQ" });
            w.WriteString("ideology", r.Labels.Ideology);
            w.WriteString("file_type", r.Labels.ContentType);
            w.WriteBoolean("deleted", r.Deleted);
            if (r.Labels.FirstSeen is { } created)
            {
                w.WriteNumber("created_on", created.ToUnixTimeMilliseconds() / 1000.0);
            }
            if ((r.UpdatedAt ?? r.Labels.FirstSeen) is { } updated)
            {
                w.WriteNumber("updated_on", updated.ToUnixTimeMilliseconds() / 1000.0);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }
}
