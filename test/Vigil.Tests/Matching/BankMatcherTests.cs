using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Banks;
using Vigil.Banks.Exchanges;
using Vigil.Hashing;
using Vigil.Matching;
using Vigil.Tests.Support;

namespace Vigil.Tests.Matching;

public class BankMatcherTests
{
    private static readonly Hash256 Known = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    private static Hash256 Flip(Hash256 h, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            h = h.FlipBit(i * 7);
        }
        return h;
    }

    private async Task Import(Storage.VigilDb db, string bank, string lines) =>
        await BankOperations.ImportAsync(db, bank, "t", "t", ExchangeFormats.Parse(ExchangeFormat.Signals, "t", Encoding.UTF8.GetBytes(lines)), time, default);

    private static MatchProbe Pdq(Hash256 h, int quality = 100) => new("probe") { Pdq = [("original", h)], PdqQuality = quality };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task PerBankDistance_QualityFloor_AndNegativeVeto(string provider)
    {
        await using var t = await TestStore.CreateAsync(provider);
        await using var db = await t.Store.OpenAsync(default);
        await BankOperations.CreateAsync(db, "wide", BankKind.Positive, null, 31, time, default);
        await BankOperations.CreateAsync(db, "tight", BankKind.Positive, null, 10, time, default);
        await Import(db, "wide", $"pdq {Known}\n");
        await Import(db, "tight", $"pdq {Known}\n");

        using (var matcher = await BankMatcher.LoadAsync(db, null, default))
        {
            var near = matcher.Match(Pdq(Flip(Known, 5)));
            Assert.Equal(["tight", "wide"], near.Hits.Select(h => h.Entry.Bank).Order());
            Assert.All(near.Hits, h => Assert.Equal(5, h.Distance));

            var far = matcher.Match(Pdq(Flip(Known, 20)));
            Assert.Equal("wide", Assert.Single(far.Hits).Entry.Bank);
            Assert.True(far.Matched);

            Assert.Empty(matcher.Match(Pdq(Flip(Known, 32))).Hits);

            var blurry = matcher.Match(Pdq(Known, quality: 30));
            Assert.False(blurry.Matched);
            Assert.Contains(blurry.Notes, n => n.Contains("quality 30", StringComparison.Ordinal));
        }

        await BankOperations.CreateAsync(db, "fp", BankKind.Negative, null, 31, time, default);
        await Import(db, "fp", $"pdq {Flip(Known, 3)}\n");
        using (var matcher = await BankMatcher.LoadAsync(db, null, default))
        {
            var vetoed = matcher.Match(Pdq(Known));
            Assert.False(vetoed.Matched);
            Assert.All(vetoed.Hits.Where(h => h.Entry.Kind == BankKind.Positive), h => Assert.Contains("'fp'", h.VetoedBy, StringComparison.Ordinal));
        }

        await BankOperations.ConfigureAsync(db, "fp", enabled: false, null, null, default);
        await BankOperations.SetEntryEnabledAsync(db, "tight", Known.ToString(), enabled: false, time, default);
        using (var matcher = await BankMatcher.LoadAsync(db, null, default))
        {
            var hit = Assert.Single(matcher.Match(Pdq(Known)).Hits);
            Assert.Equal("wide", hit.Entry.Bank);
            Assert.False(hit.Vetoed);
        }
    }

    [Fact]
    public async Task ExactAndTextSignals_Match_AndQuarantineIsPersisted()
    {
        await using var t = await TestStore.CreateAsync("sqlite");
        await using var db = await t.Store.OpenAsync(default);
        await BankOperations.CreateAsync(db, "b", BankKind.Positive, null, null, time, default);
        const string text = "The meeting point is the old bridge at dawn; bring everything we discussed and tell nobody about the plan.";
        await Import(db, "b", $"md5 d41d8cd98f00b204e9800998ecf8427e\ntext_minhash {Hashing.Text.TextHasher.MinHash(text)}\ntext_exact {Hashing.Text.TextHasher.ExactHash(text)}\n");
        using var matcher = await BankMatcher.LoadAsync(db, new FloodGuardOptions(Window: 20, MinLookups: 10, MaxShare: 0.2), default);

        var copy = matcher.Match(MatchProbe.FromText("t", "THE MEETING POINT is the 0ld bridge at dawn; bring everything we discussed and tell nobody about the plan!!"));
        Assert.Contains(copy.Hits, h => h.Via == "text_exact");
        Assert.Contains(copy.Hits, h => h.Via == "text near-duplicate" && h.Similarity >= 0.5);

        var quarantined = new List<Quarantine>();
        for (var i = 0; i < 10; i++)
        {
            quarantined.AddRange(matcher.Match(new MatchProbe("empty") { Md5 = "d41d8cd98f00b204e9800998ecf8427e" }).Quarantined);
        }
        var q = Assert.Single(quarantined);
        Assert.Equal(SignalType.Md5, q.Entry.Type);
        Assert.Empty(matcher.Match(new MatchProbe("empty") { Md5 = "d41d8cd98f00b204e9800998ecf8427e" }).Hits);
        await BankMatcher.PersistQuarantinesAsync(db, quarantined, time, default);

        using var reloaded = await BankMatcher.LoadAsync(db, null, default);
        Assert.Empty(reloaded.Match(new MatchProbe("empty") { Md5 = "d41d8cd98f00b204e9800998ecf8427e" }).Hits);
        await BankOperations.SetEntryEnabledAsync(db, "b", "d41d8cd98f00b204e9800998ecf8427e", enabled: true, time, default);
        using var released = await BankMatcher.LoadAsync(db, null, default);
        Assert.Single(released.Match(new MatchProbe("empty") { Md5 = "d41d8cd98f00b204e9800998ecf8427e" }).Hits);
    }
}
