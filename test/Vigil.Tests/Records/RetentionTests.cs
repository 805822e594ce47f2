using Vigil.Records;

namespace Vigil.Tests.Records;

public sealed class RetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Defaults_keep_every_category_twelve_months_and_purge_hourly()
    {
        var p = new RetentionPolicy();
        Assert.All(Enum.GetValues<RecordCategory>(), c => Assert.Equal(Now.AddMonths(-12), p.CutoffAt(c, Now)));
        Assert.Equal(TimeSpan.FromHours(1), p.PurgeEvery);
    }

    [Fact]
    public void Yaml_sets_periods_per_category_in_months_days_or_hours()
    {
        var p = RetentionPolicy.Parse("""
            # UK IPA notice: at most 12 months
            access_log: 6mo
            stored_content: 90d
            media_hash: 48h
            purge_every: 2h
            """);
        Assert.Equal(Now.AddMonths(-6), p.CutoffAt(RecordCategory.AccessLog, Now));
        Assert.Equal(Now.AddDays(-90), p.CutoffAt(RecordCategory.StoredContent, Now));
        Assert.Equal(Now.AddHours(-48), p.CutoffAt(RecordCategory.MediaHash, Now));
        Assert.Equal(Now.AddMonths(-12), p.CutoffAt(RecordCategory.Subscriber, Now));
        Assert.Equal(TimeSpan.FromHours(2), p.PurgeEvery);
    }

    [Theory]
    [InlineData("access_log: 6mo\nsubscriber: 12 months\n", "retention.yaml:2: '12 months' is not a duration")]
    [InlineData("access_log: 6mo\n\nacces_log: 3mo\n", "retention.yaml:3: unknown key 'acces_log'")]
    [InlineData("access_log: 6mo\naccess_log: 3mo\n", "retention.yaml:2")]
    [InlineData("stored_content: 0d\n", "retention.yaml:1: '0d' is out of range")]
    [InlineData("media_hash: 200y\n", "retention.yaml:1: '200y' is out of range")]
    [InlineData("- access_log\n", "retention.yaml:1: expected a mapping")]
    [InlineData("access_log: [1, 2]\n", "retention.yaml:1: 'access_log' needs a duration")]
    [InlineData("access_log: 6mo\npurge_every: 3d\n", "retention.yaml:2: purge_every must be")]
    public void A_bad_file_is_refused_with_the_line_of_the_problem(string yaml, string expected)
    {
        var e = Assert.Throws<RetentionConfigException>(() => RetentionPolicy.Parse(yaml));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}
