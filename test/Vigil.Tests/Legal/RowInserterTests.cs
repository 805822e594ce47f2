using Microsoft.EntityFrameworkCore;
using Vigil.Authorities;
using Vigil.Hi1;
using Vigil.Orders;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

/// <summary>
/// <see cref="RowInserter"/> stores rows exactly as EF Core's SaveChanges would (names, conversions, nulls, keys), since
/// HI-1 intake writes its orders with it and everything else reads them through EF.
/// </summary>
public sealed class RowInserterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 2, 9, 30, 15, TimeSpan.Zero);

    private static LegalOrder Order(long authorityId, string reference) => new()
    {
        AuthorityId = authorityId,
        Instrument = LegalInstrument.EuProductionOrder,
        Reference = reference,
        Hi1ObjectId = "3f1c0b64-0000-4000-8000-00000000000" + reference[^1],
        Channel = OrderChannel.Hi1Xml,
        State = OrderState.UnderReview,
        Emergency = true,
        SubmittedBy = "kid-1",
        ReceivedAt = At,
        DueAt = At.AddHours(8),
        AuthorisedFrom = null,
        NotUsPersonAttested = true,
        UserNoticeNotBefore = At.AddDays(30),
        UpdatedAt = At,
        Tasks =
        [
            new OrderTask
            {
                Kind = TaskKind.Disclosure, Category = DataCategory.TrafficData, StartTime = At.AddDays(-10), EndTime = null,
                Selectors = [new OrderSelector { Kind = SelectorKind.IpAddress, Value = "192.0.2.7", Port = 443 }, new OrderSelector { Kind = SelectorKind.Username, Value = "eve" }],
            },
        ],
        Documents = [new OrderDocument { Reference = "doc-1", DocumentType = "Warrant", ContentType = "application/pdf", Content = [0, 1, 2, 255], Sha256 = "ab", ReceivedAt = At }],
    };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Orders_written_with_RowInserter_read_back_through_EF_as_they_were_given_with_their_new_keys(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var authority = await kit.AuthorityAsync();
        var orders = new List<LegalOrder> { Order(authority.Id, "R-1"), Order(authority.Id, "R-2") };
        await using (var db = kit.Db())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            foreach (var o in orders)
            {
                o.Transitions.Add(new OrderTransition { From = OrderState.Received, To = OrderState.Authenticated, Actor = "kid-1", Reason = "JWS verified", At = At });
            }
            await OrderRows.InsertAsync(db, orders, CancellationToken.None);
            await RowInserter.InsertAsync(db, orders.SelectMany(o => PreservationHolds.ForOrder(o, At)).ToList(), CancellationToken.None);
            await tx.CommitAsync();
        }

        Assert.All(orders, o => Assert.True(o.Id > 0));
        Assert.NotEqual(orders[0].Id, orders[1].Id);
        await using var read = kit.Db();
        foreach (var want in orders)
        {
            var got = await read.LegalOrders.AsNoTracking().Include(o => o.Tasks).ThenInclude(t => t.Selectors).Include(o => o.Documents).SingleAsync(o => o.Id == want.Id);
            Assert.Equal((want.Reference, want.Instrument, want.Channel, want.State, want.Emergency, want.Hi1ObjectId), (got.Reference, got.Instrument, got.Channel, got.State, got.Emergency, got.Hi1ObjectId));
            Assert.Equal(want.ReceivedAt, got.ReceivedAt);
            Assert.Equal(want.DueAt, got.DueAt);
            Assert.Null(got.AuthorisedFrom);
            Assert.Equal(want.UserNoticeNotBefore, got.UserNoticeNotBefore);
            Assert.True(got.NotUsPersonAttested);
            var task = Assert.Single(got.Tasks);
            Assert.Equal((TaskKind.Disclosure, (DataCategory?)DataCategory.TrafficData, want.Tasks[0].StartTime, (DateTimeOffset?)null), (task.Kind, task.Category, task.StartTime, task.EndTime));
            Assert.Equal(want.Tasks[0].Id, task.Id);
            Assert.Equal(["192.0.2.7:443", "eve:"], task.Selectors.OrderBy(s => s.Id).Select(s => $"{s.Value}:{s.Port}"));
            var doc = Assert.Single(got.Documents);
            Assert.Equal(new byte[] { 0, 1, 2, 255 }, doc.Content);
            Assert.Equal(want.Documents[0].Id, doc.Id);
            var transition = await read.OrderTransitions.AsNoTracking().SingleAsync(t => t.OrderId == want.Id);
            Assert.Equal((OrderState.Received, OrderState.Authenticated, "kid-1", At), (transition.From, transition.To, transition.Actor, transition.At));
            var holds = await read.PreservationHolds.AsNoTracking().Where(h => h.OrderId == want.Id).OrderBy(h => h.Id).ToListAsync();
            Assert.Equal(["192.0.2.7:443", "eve:"], holds.Select(h => $"{h.SelectorValue}:{h.Port}"));
            Assert.All(holds, h => Assert.Equal(((DataCategory?)DataCategory.TrafficData, want.Tasks[0].StartTime, (DateTimeOffset?)null, (DateTimeOffset?)null), (h.Category, h.DataFrom, h.DataTo, h.ReleasedAt)));
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_row_that_breaks_a_constraint_fails_the_insert_and_the_rolled_back_transaction_keeps_nothing(string provider)
    {
        await using var kit = await LegalKit.CreateAsync(provider);
        var nonces = new List<Hi1Nonce>
        {
            new() { KeyId = "k", Nonce = "n1", ExpiresAt = At },
            new() { KeyId = "k", Nonce = "n2", ExpiresAt = At },
            new() { KeyId = "k", Nonce = "n1", ExpiresAt = At },
        };
        await using (var db = kit.Db())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => RowInserter.InsertAsync(db, nonces, CancellationToken.None));
            await tx.RollbackAsync();
        }
        await using var read = kit.Db();
        Assert.Equal(0, await read.Hi1Nonces.CountAsync());
    }

    [Fact]
    public async Task Inserting_outside_a_transaction_is_refused()
    {
        await using var kit = await LegalKit.CreateAsync("sqlite");
        await using var db = kit.Db();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RowInserter.InsertAsync(db, new List<Hi1Nonce> { new() { KeyId = "k", Nonce = "n", ExpiresAt = At } }, CancellationToken.None));
        Assert.Contains("transaction", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.Hi1Nonces.CountAsync());
    }
}
