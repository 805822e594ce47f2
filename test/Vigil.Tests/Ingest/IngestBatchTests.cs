using System.Text;
using Vigil.Ingest;

namespace Vigil.Tests.Ingest;

public sealed class IngestBatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static (List<IngestItem> Good, List<int> GoodIndexes, IngestResult?[] Results) Parse(string json) =>
        IngestBatch.Parse(Encoding.UTF8.GetBytes(json), Now);

    private static string? Reason(string item) => Parse("{ \"events\": [" + item + "] }").Results[0]?.Reason;

    [Theory]
    [InlineData("""{ "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z" }""", "missing field 'item_id'")]
    [InlineData("""{ "item_id": 7, "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z" }""", "'item_id' must be a string")]
    [InlineData("""{ "item_id": "", "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z" }""", "'item_id' must be 1 to 200 characters")]
    [InlineData("""{ "item_id": "x", "account_id": "u", "created_at": "2026-11-27T09:00:00Z" }""", "missing field 'type'")]
    [InlineData("""{ "item_id": "x", "type": "post", "account_id": "u" }""", "missing field 'created_at'")]
    [InlineData("""{ "item_id": "x", "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z", "text": 5 }""", "'text' must be a string")]
    [InlineData("""{ "item_id": "x", "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z", "e2ee": "yes" }""", "'e2ee' must be true or false")]
    [InlineData("""{ "item_id": "x", "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z", "e2ee": true }""", "'e2ee' applies only to direct_message events")]
    [InlineData("""{ "item_id": "x", "type": "direct_message", "account_id": "u", "created_at": "2026-11-27T09:00:00Z", "e2ee": true, "image_base64": "AAEC" }""", IngestBatch.E2eeBodyRefused)]
    [InlineData("""{ "item_id": "x", "type": "image", "account_id": "u", "created_at": "2026-11-27T09:00:00Z" }""", "an 'image' event needs 'image_base64'")]
    [InlineData("""{ "item_id": "x", "type": "post", "account_id": "u", "created_at": "2026-11-27T09:00:00Z", "metadata": [1] }""", "'metadata' must be a JSON object")]
    public void Each_bad_event_gets_a_precise_reason(string item, string reason)
    {
        Assert.Equal(reason, Reason(item));
    }

    [Fact]
    public void A_good_event_is_read_with_the_received_time_and_url_safe_base64_is_accepted()
    {
        var (good, indexes, results) = Parse("""
            { "events": [ { "item_id": "i", "type": "image", "account_id": "u", "created_at": "2026-11-27T10:00:00+01:00",
                            "image_base64": "-_8", "text": null, "e2ee": false } ] }
            """);
        Assert.Equal([0], indexes);
        Assert.Null(results[0]);
        var item = Assert.Single(good);
        Assert.Equal([0xFB, 0xFF], item.Image);
        Assert.Equal((new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), TimeSpan.Zero, Now), (item.CreatedAt, item.CreatedAt.Offset, item.ReceivedAt));
    }

    [Fact]
    public void Exactly_the_maximum_number_of_events_is_allowed_and_one_more_is_refused()
    {
        static string Batch(int n) => "{ \"events\": [" + string.Join(",", Enumerable.Range(0, n).Select(i =>
            $$"""{ "item_id": "p{{i}}", "type": "comment", "account_id": "u", "created_at": "2026-11-27T09:00:00Z" }""")) + "] }";
        Assert.Equal(IngestBatch.MaxEvents, Parse(Batch(IngestBatch.MaxEvents)).Good.Count);
        var e = Assert.Throws<IngestBatchException>(() => Parse(Batch(IngestBatch.MaxEvents + 1)));
        Assert.Equal("1001 events in one batch; at most 1000 are allowed", e.Message);
    }

    [Theory]
    [InlineData("[]", "the body must be a JSON object: { \"events\": [ ... ] }")]
    [InlineData("", "malformed JSON at line 1, byte 1: ")]
    [InlineData("{ \"events\": [ }", "malformed JSON at line 1, byte 15: ")]
    public void Request_level_errors_name_the_problem_and_position(string body, string prefix)
    {
        var e = Assert.Throws<IngestBatchException>(() => Parse(body));
        Assert.StartsWith(prefix, e.Message, StringComparison.Ordinal);
    }
}
