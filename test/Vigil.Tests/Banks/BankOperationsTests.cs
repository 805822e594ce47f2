using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Vigil.Banks;
using Vigil.Banks.Exchanges;
using Vigil.Tests.Support;

namespace Vigil.Tests.Banks;

public class BankOperationsTests
{
    private const string Pdq1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string Md5 = "d41d8cd98f00b204e9800998ecf8427e";
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private static ExchangeBatch Gifct(string json) => ExchangeFormats.Parse(ExchangeFormat.Gifct, "page.json", Encoding.UTF8.GetBytes(json));

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Import_IsIncremental_DeletesRemovedRecords_AndKeepsCheckpoint(string provider)
    {
        await using var t = await TestStore.CreateAsync(provider);
        await using var db = await t.Store.OpenAsync(default);
        await BankOperations.CreateAsync(db, "gifct", BankKind.Positive, null, null, time, default);

        var page1 = Gifct($$"""{"hashes":[{"indicator":"{{Pdq1}}","type":"HASH_PDQ","tags":["entity:Front"]},{"indicator":"{{Md5}}","type":"HASH_MD5"}],"next_page_token":"p2","has_more_records":true}""");
        var r1 = await BankOperations.ImportAsync(db, "gifct", "page1.json", "gifct", page1, time, default);
        Assert.Equal((2, 0, 0), (r1.Added, r1.Updated, r1.Removed));
        Assert.Equal("p2", r1.NextCursor);

        var page2 = Gifct($$"""{"hashes":[{"indicator":"{{Pdq1}}","type":"HASH_PDQ","tags":["entity:Front","ideology:x"]},{"indicator":"{{Md5}}","type":"HASH_MD5","deleted":true}],"next_page_token":null,"has_more_records":false}""");
        var r2 = await BankOperations.ImportAsync(db, "gifct", "page2.json", "gifct", page2, time, default);
        Assert.Equal((0, 1, 1), (r2.Added, r2.Updated, r2.Removed));

        var entries = await db.BankEntries.ToListAsync();
        var only = Assert.Single(entries);
        Assert.Equal(("Front", "x"), (only.Entity, only.Ideology));
        var checkpoint = await db.ImportCheckpoints.SingleAsync();
        Assert.Equal(("p2", false, 2), (checkpoint.Cursor, checkpoint.HasMore, checkpoint.Imports));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Import_OfFileWithBadLine_ChangesNothing(string provider)
    {
        await using var t = await TestStore.CreateAsync(provider);
        await using var db = await t.Store.OpenAsync(default);
        await BankOperations.CreateAsync(db, "b", BankKind.Positive, null, null, time, default);
        await BankOperations.ImportAsync(db, "b", "a", "signals", ExchangeFormats.Parse(ExchangeFormat.Signals, "a", Encoding.UTF8.GetBytes($"md5 {Md5}\n")), time, default);

        var bad = Encoding.UTF8.GetBytes($"pdq {Pdq1}\npdq nothex\n");
        var e = Assert.Throws<ExchangeFormatException>(() => ExchangeFormats.Parse(ExchangeFormat.Signals, "bad.txt", bad));
        Assert.Equal(2, e.Line);
        Assert.Equal(1, await db.BankEntries.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Banks_CreateListConfigureDisable(string provider)
    {
        await using var t = await TestStore.CreateAsync(provider);
        await using var db = await t.Store.OpenAsync(default);
        await BankOperations.CreateAsync(db, "tat", BankKind.Positive, "TAT list", 20, time, default);
        await BankOperations.CreateAsync(db, "fp", BankKind.Negative, null, null, time, default);
        await Assert.ThrowsAsync<BankException>(() => BankOperations.CreateAsync(db, "tat", BankKind.Positive, null, null, time, default));
        await Assert.ThrowsAsync<BankException>(() => BankOperations.CreateAsync(db, "has space", BankKind.Positive, null, null, time, default));
        await Assert.ThrowsAsync<BankException>(() => BankOperations.ConfigureAsync(db, "tat", null, 500, null, default));

        await BankOperations.ImportAsync(db, "tat", "a", "signals", ExchangeFormats.Parse(ExchangeFormat.Signals, "a", Encoding.UTF8.GetBytes($"md5 {Md5}\npdq {Pdq1}\n")), time, default);
        await BankOperations.SetEntryEnabledAsync(db, "tat", Md5, enabled: false, time, default);

        var list = await BankOperations.ListAsync(db, default);
        Assert.Equal(["fp", "tat"], list.Select(b => b.Name));
        var tat = list[1];
        Assert.Equal((20, 1), (tat.PdqMaxDistance, tat.ActiveEntries));
        Assert.Equal(2, tat.EntriesByType.Values.Sum());
        Assert.Equal(BankKind.Negative, list[0].Kind);

        var exported = await BankOperations.ExportAsync(db, "tat", includeDisabled: false, default);
        Assert.Equal(Pdq1, Assert.Single(exported).Signal);
        await Assert.ThrowsAsync<BankException>(() => BankOperations.GetAsync(db, "nope", default));
    }
}
