using Vigil.Matching;

namespace Vigil.Tests.Matching;

public class FloodGuardTests
{
    [Fact]
    public void Entry_MatchingMoreThanItsShare_IsQuarantinedOnce()
    {
        var guard = new FloodGuard(new FloodGuardOptions(Window: 100, MinLookups: 50, MaxShare: 0.1));
        var reported = new List<(long, int, int)>();
        for (var i = 0; i < 100; i++)
        {
            reported.AddRange(guard.Record(i % 5 == 0 ? [7L] : i % 50 == 1 ? [8L] : []));
        }
        var q = Assert.Single(reported);
        Assert.Equal(7L, q.Item1);
        Assert.True(guard.IsQuarantined(7));
        Assert.False(guard.IsQuarantined(9));
    }

    [Fact]
    public void NoEntry_IsJudged_BeforeMinLookups()
    {
        var guard = new FloodGuard(new FloodGuardOptions(Window: 100, MinLookups: 50, MaxShare: 0.1));
        for (var i = 0; i < 49; i++)
        {
            Assert.Empty(guard.Record([1L]));
        }
        Assert.Single(guard.Record([1L]));
    }

    [Fact]
    public void OldHits_LeaveTheWindow()
    {
        var guard = new FloodGuard(new FloodGuardOptions(Window: 100, MinLookups: 100, MaxShare: 0.1));
        // 10 hits early on, then 100 quiet lookups: the early hits have left the window.
        for (var i = 0; i < 10; i++)
        {
            guard.Record([3L]);
        }
        for (var i = 0; i < 100; i++)
        {
            guard.Record([]);
        }
        // 10 more hits: exactly 10% of the window, not more, so no quarantine.
        for (var i = 0; i < 10; i++)
        {
            Assert.Empty(guard.Record([3L]));
        }
        Assert.Single(guard.Record([3L]));
    }
}
