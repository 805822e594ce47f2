using System.Text;
using Vigil.Banks;
using Vigil.Banks.Exchanges;

namespace Vigil.Tests.Banks;

public class ExchangeFormatTests
{
    private const string Pdq1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string Pdq2 = "0000000000000000000000000000000000000000000000000000000000000001";
    private const string Md5 = "d41d8cd98f00b204e9800998ecf8427e";
    private const string Sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static ExchangeBatch Parse(ExchangeFormat f, string text) => ExchangeFormats.Parse(f, "list", Encoding.UTF8.GetBytes(text));

    private static ExchangeFormatException Reject(ExchangeFormat f, string text) =>
        Assert.Throws<ExchangeFormatException>(() => Parse(f, text));

    [Fact]
    public void Signals_ParsesTypesAndAliases_SkippingCommentsAndBlankLines()
    {
        var batch = Parse(ExchangeFormat.Signals, $"# a comment\n\npdq {Pdq1.ToUpperInvariant()}\nHASH_VIDEO_MD5 {Md5}\nsha256\t{Sha}\n");
        Assert.Equal([SignalType.Pdq, SignalType.Md5, SignalType.Sha256], batch.Records.Select(r => r.Type));
        Assert.Equal(Pdq1, batch.Records[0].Signal);
        Assert.Equal([3, 4, 5], batch.Records.Select(r => r.Line));
    }

    [Theory]
    [InlineData("pdq abc\n", 1, "expected 64 hex digits, got 3")]
    [InlineData("md5 d41d8cd98f00b204e9800998ecf8427e\npdq " + "g" + "8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\n", 2, "invalid hex digit 'g' at position 1")]
    [InlineData("\n\nwhirlpool abcd\n", 3, "unknown signal type 'whirlpool'")]
    [InlineData("pdq\n", 1, "found one field")]
    [InlineData("md5 d41d8cd98f00b204e9800998ecf8427e\nmd5 D41D8CD98F00B204E9800998ECF8427E\n", 2, "duplicate md5 signal")]
    public void Signals_RejectsBadLine_WithItsNumber(string text, int line, string reason)
    {
        var e = Reject(ExchangeFormat.Signals, text);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"list:{line}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signals_RejectsInvalidUtf8()
    {
        var bytes = Encoding.UTF8.GetBytes($"pdq {Pdq1}\n").Concat(new byte[] { 0xff, 0xfe, (byte)'\n' }).ToArray();
        var e = Assert.Throws<ExchangeFormatException>(() => ExchangeFormats.Parse(ExchangeFormat.Signals, "list", bytes));
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tat_ParsesPageWithLabelsDeletionsAndCheckpoint()
    {
        var json = $$"""
            {
              "count": 2, "next": "https://example.invalid/page2", "previous": null, "checkpoint": "1700000000.5",
              "results": [
                {"id": 7, "hash_digest": "{{Md5}}", "algorithm": "MD5", "ideology": "far-right", "file_type": "mp4", "deleted": false, "updated_on": 1700000000.5},
                {"id": 8, "hash_digest": "{{Pdq1}}", "algorithm": "PDQ", "ideology": "islamist", "file_type": "jpeg", "deleted": true, "updated_on": 1700000001}
              ]
            }
            """;
        var batch = Parse(ExchangeFormat.Tat, json);
        Assert.Equal(2, batch.Records.Count);
        Assert.Equal("far-right", batch.Records[0].Labels.Ideology);
        Assert.Equal("mp4", batch.Records[0].Labels.ContentType);
        Assert.Equal("7", batch.Records[0].SourceRef);
        Assert.True(batch.Records[1].Deleted);
        Assert.Equal(4, batch.Records[0].Line);
        Assert.Equal(5, batch.Records[1].Line);
        Assert.Equal("1700000000.5", batch.NextCursor);
        Assert.True(batch.HasMore);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1700000000500), batch.Records[0].UpdatedAt);
    }

    [Fact]
    public void Tat_RejectsUnknownAlgorithm_NamingLineAndField()
    {
        var json = $"[\n  {{\"hash_digest\": \"{Md5}\", \"algorithm\": \"MD5\"}},\n  {{\"hash_digest\": \"{Md5}\", \"algorithm\": \"CRC32\"}}\n]";
        var e = Reject(ExchangeFormat.Tat, json);
        Assert.Equal(3, e.Line);
        Assert.Equal("algorithm", e.Field);
    }

    [Fact]
    public void Tat_RejectsMalformedJson_WithLine()
    {
        var e = Reject(ExchangeFormat.Tat, "{\n \"results\": [\n {\"hash_digest\": \"x\",, }\n]}");
        Assert.Equal(3, e.Line);
        Assert.Contains("malformed JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gifct_ParsesRecordsTagsConfidenceAndPaging()
    {
        var json = $$"""
            {
              "hashes": [
                {"indicator": "{{Pdq1}}", "type": "HASH_PDQ", "confidence": 90, "tags": ["entity:Example Front", "ideology:violent-extremist", "propaganda"], "created_at": "2024-03-01T10:00:00Z"},
                {"indicator": "{{Md5}}", "type": "HASH_VIDEO_MD5", "confidence": 0.5, "tags": [], "created_at": "2024-03-02T10:00:00Z"}
              ],
              "next_page_token": "tok-2",
              "has_more_records": true
            }
            """;
        var batch = Parse(ExchangeFormat.Gifct, json);
        Assert.Equal(SignalType.Pdq, batch.Records[0].Type);
        Assert.Equal("Example Front", batch.Records[0].Labels.Entity);
        Assert.Equal("violent-extremist", batch.Records[0].Labels.Ideology);
        Assert.Equal(0.9, batch.Records[0].Labels.Confidence);
        Assert.Equal("video", batch.Records[1].Labels.ContentType);
        Assert.Equal(0.5, batch.Records[1].Labels.Confidence);
        Assert.Equal("tok-2", batch.NextCursor);
        Assert.True(batch.HasMore);
    }

    [Theory]
    [InlineData("{\"hashes\": [], \"has_more_records\": true}", "next_page_token")]
    [InlineData("{\"hashes\": [\n{\"indicator\": \"abc\", \"type\": \"HASH_MD5\"}]}", "indicator")]
    [InlineData("{\"hashes\": [\n{\"indicator\": \"d41d8cd98f00b204e9800998ecf8427e\", \"type\": \"HASH_MD5\", \"confidence\": 900}]}", "confidence")]
    [InlineData("{\"hashes\": [\n{\"indicator\": \"d41d8cd98f00b204e9800998ecf8427e\", \"type\": \"HASH_MD5\", \"tags\": 5}]}", "tags")]
    [InlineData("{\"hashes\": [\n{\"indicator\": \"d41d8cd98f00b204e9800998ecf8427e\", \"type\": \"HASH_MD5\", \"created_at\": \"yesterday\"}]}", "created_at")]
    [InlineData("{\"hashes\": [\n{\"type\": \"HASH_MD5\"}]}", "indicator")]
    public void Gifct_RejectsBadField_NamingIt(string json, string field)
    {
        var e = Reject(ExchangeFormat.Gifct, json);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Csv_ParsesLabelsAndQuotedFields()
    {
        var csv = $"signal_type,signal,entity,ideology,severity,confidence,tags,enabled\npdq,{Pdq1},\"Front, The\",x,5,0.75,\"a,b\",false\nmd5,{Md5},,,,,,\n";
        var batch = Parse(ExchangeFormat.Csv, csv);
        Assert.Equal("Front, The", batch.Records[0].Labels.Entity);
        Assert.Equal(5, batch.Records[0].Labels.Severity);
        Assert.Equal(0.75, batch.Records[0].Labels.Confidence);
        Assert.False(batch.Records[0].Labels.Enabled);
        Assert.True(batch.Records[1].Labels.Enabled);
        Assert.Equal(3, batch.Records[1].Line);
    }

    [Theory]
    [InlineData("signal_type,signal,colour\n", 1, "colour")]
    [InlineData("signal\nabc\n", 1, "signal_type")]
    [InlineData("signal_type,signal,severity\npdq," + Pdq1 + ",1\npdq," + Pdq2 + ",9\n", 3, "severity")]
    [InlineData("signal_type,signal\nmd5,xyz\n", 2, "signal")]
    public void Csv_RejectsBadInput_WithLineAndField(string csv, int line, string field)
    {
        var e = Reject(ExchangeFormat.Csv, csv);
        Assert.Equal(line, e.Line);
        Assert.Equal(field, e.Field);
    }

    [Theory]
    [InlineData(ExchangeFormat.Signals)]
    [InlineData(ExchangeFormat.Tat)]
    [InlineData(ExchangeFormat.Gifct)]
    [InlineData(ExchangeFormat.Csv)]
    public void Export_ThenParse_RoundTripsSignals(ExchangeFormat format)
    {
        var labels = new ExchangeLabels { Entity = "Front", Ideology = "far-right", ContentType = "image", Severity = 4, Confidence = 0.8, FirstSeen = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero) };
        ExchangeRecord[] records =
        [
            new(1, SignalType.Pdq, Pdq1, labels, SourceRef: "1"),
            new(2, SignalType.Md5, Md5, labels, SourceRef: "2"),
            new(3, SignalType.Sha256, Sha, labels, SourceRef: "3"),
        ];
        using var ms = new MemoryStream();
        ExchangeFormats.Write(format, ms, records);
        var back = ExchangeFormats.Parse(format, "out", ms.ToArray());
        Assert.Equal(records.Select(r => (r.Type, r.Signal)), back.Records.Select(r => (r.Type, r.Signal)));
        if (format is ExchangeFormat.Csv or ExchangeFormat.Gifct)
        {
            Assert.All(back.Records, r => Assert.Equal("Front", r.Labels.Entity));
        }
        if (format != ExchangeFormat.Signals)
        {
            Assert.All(back.Records, r => Assert.Equal("far-right", r.Labels.Ideology));
        }
    }

    [Fact]
    public void Csv_Export_NeutralisesSpreadsheetFormulas()
    {
        var records = new[] { new ExchangeRecord(1, SignalType.Md5, Md5, new ExchangeLabels { Entity = "=HYPERLINK(\"x\")" }) };
        using var ms = new MemoryStream();
        ExchangeFormats.Write(ExchangeFormat.Csv, ms, records);
        Assert.Contains("\"=HYPERLINK(\"\"x\"\")\"", Encoding.UTF8.GetString(ms.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public void Parsers_NeverThrowAnythingButFormatErrors_OnRandomBytes()
    {
        var rng = new Random(42);
        foreach (var format in Enum.GetValues<ExchangeFormat>())
        {
            for (var i = 0; i < 300; i++)
            {
                var bytes = new byte[rng.Next(0, 200)];
                rng.NextBytes(bytes);
                if (i % 3 == 0)
                {
                    // Mostly-valid text with one corrupted character: the harder case for a parser.
                    var text = format switch
                    {
                        ExchangeFormat.Csv => $"signal_type,signal\npdq,{Pdq1}\n",
                        ExchangeFormat.Signals => $"pdq {Pdq1}\n",
                        _ => $"{{\"hashes\":[{{\"indicator\":\"{Md5}\",\"type\":\"HASH_MD5\"}}],\"results\":[]}}",
                    };
                    bytes = Encoding.UTF8.GetBytes(text);
                    bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                }
                try
                {
                    ExchangeFormats.Parse(format, "fuzz", bytes);
                }
                catch (ExchangeFormatException)
                {
                }
            }
        }
    }
}
