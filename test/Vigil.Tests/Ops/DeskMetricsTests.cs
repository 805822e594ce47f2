using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Ingest;
using Vigil.Moderation;
using Vigil.Observability;
using Vigil.Platforms;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ops;

public sealed class DeskMetricsTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Queue_depth_counts_undecided_cases_by_queue_and_queries_at_most_every_ten_seconds(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        await using (var db = await store.Store.OpenAsync(CancellationToken.None))
        {
            var platform = new Platform { Name = "chirp", CreatedAt = time.GetUtcNow() };
            db.Platforms.Add(platform);
            await db.SaveChangesAsync();
            var items = Enumerable.Range(0, 4).Select(i => new IngestItem
            {
                PlatformId = platform.Id, ItemId = "i" + i, Type = "post", AccountId = "u", CreatedAt = time.GetUtcNow(), ReceivedAt = time.GetUtcNow(),
            }).ToList();
            db.IngestItems.AddRange(items);
            await db.SaveChangesAsync();
            ReviewQueue.Enqueue(db, new ReviewRequest(platform.Id, items[0].Id, "terror", 1, null, "r"), time.GetUtcNow());
            ReviewQueue.Enqueue(db, new ReviewRequest(platform.Id, items[1].Id, "terror", 1, null, "r"), time.GetUtcNow()).State = ReviewCaseState.Assigned;
            ReviewQueue.Enqueue(db, new ReviewRequest(platform.Id, items[2].Id, null, 1, null, "r"), time.GetUtcNow());
            ReviewQueue.Enqueue(db, new ReviewRequest(platform.Id, items[3].Id, "terror", 1, null, "r"), time.GetUtcNow()).State = ReviewCaseState.Decided;
            await db.SaveChangesAsync();
        }
        var services = new ServiceCollection().AddMetrics().AddScoped<VigilDb>(_ => store.Store.CreateContext()).BuildServiceProvider();
        await using var _ = services;
        var desk = new DeskMetrics(services.GetRequiredService<IMeterFactory>(), services.GetRequiredService<IServiceScopeFactory>(), time, NullLogger<DeskMetrics>.Instance);

        static List<(string, string, long)> Read(IEnumerable<Measurement<long>> ms) =>
            [.. ms.Select(m => (Tag(m, "queue"), Tag(m, "state"), m.Value)).Order()];
        Assert.Equal([("default", "open", 1L), ("terror", "assigned", 1L), ("terror", "open", 1L)], Read(desk.Observe()));
        Assert.Equal(1, desk.Queries);

        time.Advance(TimeSpan.FromSeconds(9));
        Read(desk.Observe());
        Assert.Equal(1, desk.Queries);
        time.Advance(TimeSpan.FromSeconds(1));
        Read(desk.Observe());
        Assert.Equal(2, desk.Queries);
    }

    private static string Tag(Measurement<long> m, string name)
    {
        foreach (var t in m.Tags)
        {
            if (t.Key == name)
            {
                return (string)t.Value!;
            }
        }
        return "";
    }
}
