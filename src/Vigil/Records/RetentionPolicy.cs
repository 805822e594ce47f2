using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Records;

/// <summary>A retention period: a number of calendar months, or a fixed span (days, hours).</summary>
public readonly record struct RetentionPeriod(int Months, TimeSpan Span)
{
    /// <summary>The earliest instant a record may carry at <paramref name="now"/> and still be kept.</summary>
    public DateTimeOffset CutoffAt(DateTimeOffset now) => now.AddMonths(-Months) - Span;

    /// <inheritdoc />
    public override string ToString() => Months > 0
        ? Months.ToString(CultureInfo.InvariantCulture) + "mo"
        : Span.TotalHours % 24 == 0 ? ((int)Span.TotalDays).ToString(CultureInfo.InvariantCulture) + "d" : ((int)Span.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
}

/// <summary>A bad <c>retention.yaml</c>: the message names the line.</summary>
public sealed class RetentionConfigException(string message) : Exception(message)
{
    public RetentionConfigException() : this("bad retention configuration") { }

    public RetentionConfigException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>
/// How long each record category is kept (<c>DATA/retention.yaml</c>; docs/records.md). Every category defaults to 12
/// months, the most a UK IPA data retention notice allows; the purge runs every <see cref="PurgeEvery"/>.
/// </summary>
public sealed partial class RetentionPolicy
{
    public const string FileName = "retention.yaml";

    /// <summary>The longest period accepted for any category (a guard against unit mistakes such as 120y).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(10 * 366);

    private static readonly Dictionary<string, RecordCategory> Keys = new(StringComparer.Ordinal)
    {
        ["subscriber"] = RecordCategory.Subscriber,
        ["access_log"] = RecordCategory.AccessLog,
        ["message_metadata"] = RecordCategory.MessageMetadata,
        ["stored_content"] = RecordCategory.StoredContent,
        ["media_hash"] = RecordCategory.MediaHash,
    };

    public IReadOnlyDictionary<RecordCategory, RetentionPeriod> Periods { get; }

    public TimeSpan PurgeEvery { get; }

    /// <summary>Where it was read from (null: the defaults).</summary>
    public string? Source { get; }

    public RetentionPolicy(IReadOnlyDictionary<RecordCategory, RetentionPeriod>? periods = null, TimeSpan? purgeEvery = null, string? source = null)
    {
        var all = Enum.GetValues<RecordCategory>().ToDictionary(c => c, _ => new RetentionPeriod(12, TimeSpan.Zero));
        foreach (var (c, p) in periods ?? new Dictionary<RecordCategory, RetentionPeriod>())
        {
            all[c] = p;
        }
        Periods = all;
        PurgeEvery = purgeEvery ?? TimeSpan.FromHours(1);
        Source = source;
    }

    /// <summary>The cutoff of <paramref name="category"/> at <paramref name="now"/>: records before it are expired.</summary>
    public DateTimeOffset CutoffAt(RecordCategory category, DateTimeOffset now) => Periods[category].CutoffAt(now);

    /// <summary>Reads <c>retention.yaml</c> from the data folder, or the defaults when there is none.</summary>
    public static RetentionPolicy LoadDataDirectory(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : new RetentionPolicy();
    }

    /// <summary>Parses the YAML text; throws <see cref="RetentionConfigException"/> naming the line of the first problem.</summary>
    public static RetentionPolicy Parse(string yaml, string source = FileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new RetentionConfigException($"{source}:{e.Start.Line}: not valid YAML: {e.Message}");
        }
        var periods = new Dictionary<RecordCategory, RetentionPeriod>();
        TimeSpan? every = null;
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new RetentionPolicy(source: source);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RetentionConfigException($"{source}:{stream.Documents[0].RootNode.Start.Line}: expected a mapping such as 'access_log: 12mo'");
        }
        foreach (var (k, v) in root.Children)
        {
            var line = k.Start.Line;
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (v is not YamlScalarNode { Value: { } text })
            {
                throw new RetentionConfigException($"{source}:{line}: '{key}' needs a duration such as 12mo, 90d or 48h");
            }
            if (!TryDuration(text, out var period))
            {
                throw new RetentionConfigException($"{source}:{v.Start.Line}: '{text}' is not a duration; write a whole number and a unit: mo (months), d (days) or h (hours), e.g. 12mo");
            }
            if (period.Months > 120)
            {
                throw new RetentionConfigException($"{source}:{v.Start.Line}: '{text}' is out of range (more than 0, at most 10 years)");
            }
            var length = DateTimeOffset.UnixEpoch.AddMonths(period.Months) + period.Span - DateTimeOffset.UnixEpoch;
            if (length <= TimeSpan.Zero || length > Longest)
            {
                throw new RetentionConfigException($"{source}:{v.Start.Line}: '{text}' is out of range (more than 0, at most 10 years)");
            }
            if (key == "purge_every")
            {
                if (period.Months > 0 || period.Span < TimeSpan.FromMinutes(1) || period.Span > TimeSpan.FromDays(1))
                {
                    throw new RetentionConfigException($"{source}:{v.Start.Line}: purge_every must be from 1h to 24h (or in hours/days), not '{text}'");
                }
                every = period.Span;
            }
            else if (Keys.TryGetValue(key, out var category))
            {
                if (!periods.TryAdd(category, period))
                {
                    throw new RetentionConfigException($"{source}:{line}: '{key}' is set twice");
                }
            }
            else
            {
                throw new RetentionConfigException($"{source}:{line}: unknown key '{key}'; the keys are {string.Join(", ", Keys.Keys)} and purge_every");
            }
        }
        return new RetentionPolicy(periods, every, source);
    }

    private static bool TryDuration(string text, out RetentionPeriod period)
    {
        period = default;
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success || !int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        period = m.Groups[2].Value switch
        {
            "mo" => new RetentionPeriod(n, TimeSpan.Zero),
            "y" => new RetentionPeriod(checked(n * 12), TimeSpan.Zero),
            "d" => new RetentionPeriod(0, TimeSpan.FromDays(n)),
            _ => new RetentionPeriod(0, TimeSpan.FromHours(n)),
        };
        return true;
    }

    [GeneratedRegex("^([0-9]{1,6})(mo|y|d|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
