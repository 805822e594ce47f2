using Microsoft.EntityFrameworkCore;
using Vigil.Ingest;
using Vigil.Platforms;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Bench;

/// <summary>The batched write path keeps the store's contract: idempotent, all-or-nothing, accepted once across concurrent batches.</summary>
public sealed class IngestStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static IngestItem Item(long platformId, string id, string? text = "hi", byte[]? image = null) => new()
    {
        PlatformId = platformId,
        ItemId = id,
        Type = image is null ? "post" : "image",
        AccountId = "u1",
        CreatedAt = Now.AddMinutes(-1),
        ReceivedAt = Now,
        Text = text,
        Image = image,
        ImageSha256 = image is null ? null : System.Security.Cryptography.SHA256.HashData(image),
        Metadata = """{ "country": "FR" }""",
    };

    private static async Task<long> PlatformAsync(VigilStore store)
    {
        await using var db = await store.OpenAsync(CancellationToken.None);
        var platform = new Platform { Name = "p", CreatedAt = Now };
        db.Platforms.Add(platform);
        await db.SaveChangesAsync();
        return platform.Id;
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Store_marks_first_of_each_id_new_the_rest_duplicates_and_round_trips_every_field(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var platform = await PlatformAsync(test.Store);
        byte[] jpeg = [0xFF, 0xD8, 1, 2, 3];
        List<IngestItem> batch = [Item(platform, "b"), Item(platform, "a", text: null, image: jpeg), Item(platform, "b", "again"), Item(platform, "c", text: "ünïcödé \u043E")];
        await using (var db = test.Store.CreateContext())
        {
            var isNew = await IngestStore.StoreAsync(db, platform, batch, CancellationToken.None);
            Assert.Equal(new[] { true, true, false, true }, isNew);
            Assert.All(new[] { batch[0], batch[1], batch[3] }, i => Assert.NotEqual(0, i.Id));
            Assert.Equal(0, batch[2].Id);
        }
        await using (var db = test.Store.CreateContext())
        {
            var stored = await db.IngestItems.AsNoTracking().OrderBy(x => x.ItemId).ToListAsync();
            Assert.Equal(["a", "b", "c"], stored.Select(x => x.ItemId));
            Assert.Equal(batch[1].Id, stored[0].Id);
            Assert.Equal(jpeg, stored[0].Image);
            Assert.Equal(batch[1].ImageSha256, stored[0].ImageSha256);
            Assert.Equal(((string?)null, "image"), (stored[0].Text, stored[0].Type));
            Assert.Equal("hi", stored[1].Text);
            Assert.Equal("ünïcödé \u043E", stored[2].Text);
            Assert.All(stored, s => Assert.Equal((Now, Now.AddMinutes(-1), """{ "country": "FR" }""", (DateTimeOffset?)null, false), (s.ReceivedAt, s.CreatedAt, s.Metadata, s.ProcessedAt, s.E2ee)));

            // The same batch again: nothing is new and nothing is written.
            var again = await IngestStore.StoreAsync(db, platform, [.. batch.Select(i => Item(platform, i.ItemId))], CancellationToken.None);
            Assert.Equal(new[] { false, false, false, false }, again);
            Assert.Equal(3, await db.IngestItems.CountAsync());
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Two_concurrent_identical_batches_accept_every_id_exactly_once(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var platform = await PlatformAsync(test.Store);
        for (int round = 0; round < 5; round++)
        {
            // Overlapping batches in different orders, with an id repeated inside each batch.
            var ids = Enumerable.Range(0, 100).Select(i => $"r{round}-{i}").ToList();
            List<string> one = [.. ids, ids[0]];
            List<string> two = [.. Enumerable.Reverse(ids), ids[5]];
            var batches = new[] { one, two, one }.Select(b => b.Select(id => Item(platform, id)).ToList()).ToList();
            var results = await Task.WhenAll(batches.Select(async b =>
            {
                await using var db = test.Store.CreateContext();
                return await IngestStore.StoreAsync(db, platform, b, CancellationToken.None);
            }));
            foreach (var id in ids)
            {
                int accepted = 0;
                for (int b = 0; b < batches.Count; b++)
                {
                    accepted += batches[b].Select((item, k) => item.ItemId == id && results[b][k] ? 1 : 0).Sum();
                }
                Assert.True(accepted == 1, $"{id} accepted {accepted} times in round {round}");
            }
        }
        await using var check = test.Store.CreateContext();
        Assert.Equal(500, await check.IngestItems.CountAsync());
    }
}
