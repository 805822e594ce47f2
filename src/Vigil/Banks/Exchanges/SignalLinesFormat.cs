using System.Text;

namespace Vigil.Banks.Exchanges;

/// <summary>
/// One signal per line, <c>&lt;signal_type&gt; &lt;signal&gt;</c>, as Hasher-Matcher-Actioner's local files.
/// Blank lines and lines starting with '#' are skipped.
/// </summary>
public static class SignalLinesFormat
{
    public static ExchangeBatch Parse(string file, byte[] content)
    {
        var records = new List<ExchangeRecord>();
        using var reader = new StreamReader(new MemoryStream(content), new UTF8Encoding(false, throwOnInvalidBytes: true));
        var lineNumber = 0;
        string? line;
        try
        {
            while ((line = reader.ReadLine()) is not null)
            {
                lineNumber++;
                var text = line.Trim();
                if (text.Length == 0 || text[0] == '#')
                {
                    continue;
                }
                var space = text.IndexOfAny([' ', '\t']);
                if (space < 0)
                {
                    throw new ExchangeFormatException(file, lineNumber, "signal", "expected '<signal_type> <signal>', found one field");
                }
                var type = ExchangeFormats.Type(file, lineNumber, "signal_type", text[..space]);
                var signal = ExchangeFormats.Canonical(file, lineNumber, "signal", type, text[(space + 1)..].Trim());
                records.Add(new ExchangeRecord(lineNumber, type, signal, ExchangeLabels.None));
            }
        }
        catch (DecoderFallbackException)
        {
            throw new ExchangeFormatException(file, lineNumber + 1, null, "not valid UTF-8 text");
        }
        return new ExchangeBatch(ExchangeFormat.Signals, records);
    }

    public static void Write(Stream output, IReadOnlyList<ExchangeRecord> records)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
        foreach (var r in records)
        {
            writer.Write(r.Type.Name());
            writer.Write(' ');
            writer.WriteLine(r.Signal);
        }
    }
}
