using Microsoft.EntityFrameworkCore;
using Vigil.Pipeline;
using Vigil.Referrals;
using Vigil.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Referrals;

public sealed class ReferralServerTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Stopping_the_server_mid_delivery_loses_nothing_and_each_referral_is_acknowledged_exactly_once(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider);
        await using var authority = await FakeAuthority.StartAsync();
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint);
        var ids = new List<long>();
        for (int i = 0; i < 10; i++)
        {
            ids.Add(await h.ReferralAsync(await h.ItemAsync(platform, "i" + i, "threat " + i), "DE"));
        }
        await h.DisposeLedgerAsync();
        // Odd referrals hang at the authority until the request is aborted: the server stops while they are in flight.
        var hang = new HashSet<string>(ids.Where(id => id % 2 == 1).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var hanging = new TaskCompletionSource();
        authority.Respond = async (r, ct) =>
        {
            if (hang.Contains(r.ReferralId))
            {
                if (authority.Requests.Count(q => hang.Contains(q.ReferralId)) >= hang.Count)
                {
                    hanging.TrySetResult();
                }
                await Task.Delay(Timeout.Infinite, ct);
            }
            return new AuthorityAnswer(200);
        };

        var first = await VigilServer.BuildAsync(h.Store, "http://127.0.0.1:0", TimeProvider.System, CancellationToken.None);
        await first.StartAsync();
        await WaitAsync(async () => hanging.Task.IsCompleted && await CountAsync(h, ReferralState.Acknowledged) == ids.Count - hang.Count);
        await first.StopAsync();
        await first.DisposeAsync();
        Assert.Equal(ids.Count - hang.Count, await CountAsync(h, ReferralState.Acknowledged));

        authority.Respond = (_, _) => Task.FromResult(new AuthorityAnswer(200));
        var second = await VigilServer.BuildAsync(h.Store, "http://127.0.0.1:0", TimeProvider.System, CancellationToken.None);
        await second.StartAsync();
        try
        {
            await WaitAsync(async () => await CountAsync(h, ReferralState.Acknowledged) == ids.Count);
        }
        finally
        {
            await second.StopAsync();
            await second.DisposeAsync();
        }
        foreach (var id in ids)
        {
            var r = await h.GetAsync(id);
            Assert.Equal(authority.Receipts[id.ToString(System.Globalization.CultureInfo.InvariantCulture)], r.ReceiptId);
        }
        Assert.All(authority.Issued.Values, n => Assert.Equal(1, n));
        Assert.Equal(ids.Count, authority.Issued.Count);
        var ledger = Ledger.LedgerLog.OpenDataDirectory(h.Store.DataDirectory.FullName);
        await using (ledger)
        {
            var acks = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event).Where(e => e.Action == ReferralAudit.Acknowledged).ToList();
            Assert.Equal(ids.Count, acks.Count);
            Assert.Equal(ids.Count, acks.Select(e => e.Subject.Id).Distinct().Count());
        }
    }

    private static async Task<int> CountAsync(ReferralHarness h, ReferralState state)
    {
        await using var db = h.Store.CreateContext();
        return await db.Referrals.CountAsync(r => r.State == state);
    }

    /// <summary>Polls (a cap of 60 s for loaded machines, not a sleep) until <paramref name="done"/>.</summary>
    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), "timed out waiting for the referrals");
            await Task.Delay(50);
        }
    }
}
