using System.Diagnostics.CodeAnalysis;

namespace Vigil.Banks.Exchanges;

/// <summary>Reads and writes every exchange format; checks what all formats share.</summary>
public static class ExchangeFormats
{
    /// <summary>Largest exchange file accepted (a hostile or mistaken upload must not exhaust memory).</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    public static bool TryParseFormat(string? name, [NotNullWhen(true)] out ExchangeFormat? format)
    {
        format = name?.Trim().ToLowerInvariant() switch
        {
            "signals" or "txt" or "local" or "hma" => ExchangeFormat.Signals,
            "tat" or "tcap" => ExchangeFormat.Tat,
            "gifct" or "hsdb" => ExchangeFormat.Gifct,
            "csv" => ExchangeFormat.Csv,
            _ => null,
        };
        return format is not null;
    }

    /// <summary>Guesses the format from the file name (and, for JSON, its first bytes).</summary>
    public static ExchangeFormat Detect(string path, ReadOnlySpan<byte> content)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".csv")
        {
            return ExchangeFormat.Csv;
        }
        if (ext == ".json")
        {
            var head = System.Text.Encoding.UTF8.GetString(content[..Math.Min(content.Length, 4096)]);
            return head.Contains("\"hash_digest\"", StringComparison.Ordinal) || head.Contains("\"checkpoint\"", StringComparison.Ordinal)
                ? ExchangeFormat.Tat
                : ExchangeFormat.Gifct;
        }
        return ExchangeFormat.Signals;
    }

    /// <summary>Parses a whole file. Throws <see cref="ExchangeFormatException"/> at the first bad record.</summary>
    public static ExchangeBatch Parse(ExchangeFormat format, string fileName, byte[] content)
    {
        if (content.LongLength > MaxFileBytes)
        {
            throw new ExchangeFormatException(fileName, 0, null, $"file is {content.LongLength} bytes, over the {MaxFileBytes}-byte limit");
        }
        var batch = format switch
        {
            ExchangeFormat.Signals => SignalLinesFormat.Parse(fileName, content),
            ExchangeFormat.Tat => TatHashListFormat.Parse(fileName, content),
            ExchangeFormat.Gifct => GifctFormat.Parse(fileName, content),
            ExchangeFormat.Csv => CsvFormat.Parse(fileName, content),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        RejectDuplicates(fileName, batch.Records);
        return batch;
    }

    public static void Write(ExchangeFormat format, Stream output, IReadOnlyList<ExchangeRecord> records)
    {
        switch (format)
        {
            case ExchangeFormat.Signals: SignalLinesFormat.Write(output, records); break;
            case ExchangeFormat.Tat: TatHashListFormat.Write(output, records); break;
            case ExchangeFormat.Gifct: GifctFormat.Write(output, records); break;
            case ExchangeFormat.Csv: CsvFormat.Write(output, records); break;
            default: throw new ArgumentOutOfRangeException(nameof(format));
        }
    }

    /// <summary>Checks a signal against its type; the error names the line and field.</summary>
    internal static string Canonical(string file, int line, string field, SignalType type, string? signal)
    {
        if (!SignalTypeNames.TryCanonicalise(type, signal, out var canonical, out var error))
        {
            throw new ExchangeFormatException(file, line, field, $"{type.Name()} signal: {error}");
        }
        return canonical;
    }

    internal static SignalType Type(string file, int line, string field, string? name) =>
        SignalTypeNames.TryParse(name, out var type)
            ? type.Value
            : throw new ExchangeFormatException(file, line, field, $"unknown signal type '{name}' (known: {SignalTypeNames.Known})");

    private static void RejectDuplicates(string file, IReadOnlyList<ExchangeRecord> records)
    {
        var seen = new Dictionary<(SignalType, string), int>();
        foreach (var r in records)
        {
            if (!seen.TryAdd((r.Type, r.Signal), r.Line))
            {
                throw new ExchangeFormatException(file, r.Line, null, $"duplicate {r.Type.Name()} signal {r.Signal} (first on line {seen[(r.Type, r.Signal)]})");
            }
        }
    }
}
