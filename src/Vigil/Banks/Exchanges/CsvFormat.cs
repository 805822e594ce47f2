using System.Globalization;
using System.Text;
using Sylvan.Data.Csv;

namespace Vigil.Banks.Exchanges;

/// <summary>
/// CSV (RFC 4180) with a header row. Required columns: <c>signal_type</c>, <c>signal</c>; optional:
/// <c>entity, ideology, content_type, severity, confidence, tags, source, source_ref, first_seen,
/// enabled, deleted</c>. Unknown columns are an error, so a typo does not silently drop a label.
/// </summary>
public static class CsvFormat
{
    public static readonly string[] Columns =
        ["signal_type", "signal", "entity", "ideology", "content_type", "severity", "confidence", "tags", "source", "source_ref", "first_seen", "enabled", "deleted"];

    public static ExchangeBatch Parse(string file, byte[] content)
    {
        var records = new List<ExchangeRecord>();
        using var text = new StreamReader(new MemoryStream(content), new UTF8Encoding(false, throwOnInvalidBytes: true));
        CsvDataReader csv;
        try
        {
            csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, Delimiter = ',', MaxBufferSize = 1 << 24 });
        }
        catch (Exception e) when (e is DecoderFallbackException or CsvFormatException)
        {
            throw new ExchangeFormatException(file, 1, null, $"unreadable CSV header: {e.Message}");
        }
        using (csv)
        {
            var ordinals = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < csv.FieldCount; i++)
            {
                var name = csv.GetName(i).Trim();
                if (!Columns.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    throw new ExchangeFormatException(file, 1, name, $"unknown column (known: {string.Join(", ", Columns)})");
                }
                if (!ordinals.TryAdd(name, i))
                {
                    throw new ExchangeFormatException(file, 1, name, "column appears twice");
                }
            }
            foreach (var required in new[] { "signal_type", "signal" })
            {
                if (!ordinals.ContainsKey(required))
                {
                    throw new ExchangeFormatException(file, 1, required, "required column is missing");
                }
            }
            var line = 1;
            while (true)
            {
                try
                {
                    if (!csv.Read())
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is DecoderFallbackException or CsvFormatException)
                {
                    throw new ExchangeFormatException(file, line + 1, null, $"unreadable CSV: {e.Message}");
                }
                // Sylvan counts data rows from 1; the header is line 1 of the file.
                line = csv.RowNumber + 1;
                string? Get(string column) => ordinals.TryGetValue(column, out var o) && o < csv.RowFieldCount && csv.GetString(o) is { Length: > 0 } v ? v.Trim() : null;
                if (csv.RowFieldCount != csv.FieldCount)
                {
                    throw new ExchangeFormatException(file, line, null, $"expected {csv.FieldCount} fields, found {csv.RowFieldCount}");
                }
                var type = ExchangeFormats.Type(file, line, "signal_type", Get("signal_type"));
                var signal = ExchangeFormats.Canonical(file, line, "signal", type, Get("signal"));
                records.Add(new ExchangeRecord(
                    line,
                    type,
                    signal,
                    new ExchangeLabels
                    {
                        Entity = Get("entity"),
                        Ideology = Get("ideology"),
                        ContentType = Get("content_type"),
                        Severity = Severity(file, line, Get("severity")),
                        Confidence = Confidence(file, line, Get("confidence")),
                        Tags = Get("tags"),
                        Source = Get("source"),
                        FirstSeen = ExchangeTime.Parse(file, line, "first_seen", Get("first_seen")),
                        Enabled = Bool(file, line, "enabled", Get("enabled")) ?? true,
                    },
                    Deleted: Bool(file, line, "deleted", Get("deleted")) ?? false,
                    SourceRef: Get("source_ref")));
            }
        }
        return new ExchangeBatch(ExchangeFormat.Csv, records);
    }

    public static void Write(Stream output, IReadOnlyList<ExchangeRecord> records)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\r\n" };
        w.WriteLine(string.Join(',', Columns));
        foreach (var r in records)
        {
            var l = r.Labels;
            string?[] fields =
            [
                r.Type.Name(), r.Signal, l.Entity, l.Ideology, l.ContentType,
                l.Severity?.ToString(CultureInfo.InvariantCulture), l.Confidence?.ToString("R", CultureInfo.InvariantCulture),
                l.Tags, l.Source, r.SourceRef, l.FirstSeen is { } f ? ExchangeTime.Format(f) : null,
                l.Enabled ? "true" : "false", r.Deleted ? "true" : "false",
            ];
            w.WriteLine(string.Join(',', fields.Select(Quote)));
        }
    }

    private static string Quote(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }
        // Leading =, +, - or @ would run as a formula when a CSV is opened in a spreadsheet.
        var needsQuotes = field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field[0] is '=' or '+' or '@' or '-' && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        return needsQuotes ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }

    private static int? Severity(string file, int line, string? text)
    {
        if (text is null)
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 5
            ? s
            : throw new ExchangeFormatException(file, line, "severity", $"'{text}' is not a whole number from 1 to 5");
    }

    private static double? Confidence(string file, int line, string? text)
    {
        if (text is null)
        {
            return null;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c is >= 0 and <= 1
            ? c
            : throw new ExchangeFormatException(file, line, "confidence", $"'{text}' is not a number from 0 to 1");
    }

    private static bool? Bool(string file, int line, string field, string? text) => text?.ToLowerInvariant() switch
    {
        null => null,
        "true" or "1" or "yes" => true,
        "false" or "0" or "no" => false,
        _ => throw new ExchangeFormatException(file, line, field, $"'{text}' is not true or false"),
    };
}
