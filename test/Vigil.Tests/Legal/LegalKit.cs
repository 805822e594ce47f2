using Microsoft.Extensions.Time.Testing;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Legal;
using Vigil.Orders;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

/// <summary>A store, a ledger and a fake clock, with orders created directly through the core entities.</summary>
internal sealed class LegalKit : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public static readonly LegalActor Alice = new("alice@example.org", "legal_officer");
    public static readonly LegalActor Bob = new("bob@example.org", "legal_officer");
    public static readonly LegalActor Lead = new("lena@example.org", "trust_and_safety_lead");
    public static readonly LegalActor Moderator = new("mo@example.org", "moderator");

    private LegalKit(TestStore store, LedgerLog ledger, FakeTimeProvider time)
    {
        Store = store;
        Ledger = ledger;
        Time = time;
    }

    public TestStore Store { get; }

    public LedgerLog Ledger { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<LegalKit> CreateAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        await using (await store.Store.OpenAsync(CancellationToken.None))
        {
            // Migrated.
        }
        var time = new FakeTimeProvider(Start);
        var ledger = LedgerLog.OpenDataDirectory(store.Store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        return new LegalKit(store, ledger, time);
    }

    public VigilDb Db() => Store.Store.CreateContext();

    public OrderReview Review(VigilDb db) => new(db, Ledger, Time);

    public HoldManagement Holds(VigilDb db) => new(db, Ledger, Time);

    public IReadOnlyList<LedgerEvent> Events()
    {
        var all = new List<LedgerEvent>();
        for (long i = 0; i < Ledger.Size(); i++)
        {
            all.Add(Ledger.ReadEntry(i).Event);
        }
        return all;
    }

    public async Task<Authority> AuthorityAsync(string code = "GB-EXAMPLE-POLICE", params LegalInstrument[] instruments)
    {
        await using var db = Db();
        var a = new Authority
        {
            Code = code,
            CountryCode = "GB",
            Name = "Example Police",
            Kind = AuthorityKind.Police,
            Instruments = instruments.Length > 0 ? [.. instruments] : [.. Enum.GetValues<LegalInstrument>()],
            CallbackNumbers = ["+442079460123"],
            CreatedAt = Time.GetUtcNow(),
            UpdatedAt = Time.GetUtcNow(),
        };
        db.Authorities.Add(a);
        await db.SaveChangesAsync();
        return a;
    }

    public static OrderTask Disclosure(params (SelectorKind Kind, string Value)[] selectors) => new()
    {
        Kind = TaskKind.Disclosure,
        Category = DataCategory.SubscriberData,
        StartTime = Start.AddDays(-30),
        EndTime = Start.AddDays(-1),
        Selectors = [.. selectors.Select(s => new OrderSelector { Kind = s.Kind, Value = s.Value })],
    };

    public static OrderTask Removal(params (SelectorKind Kind, string Value)[] selectors) => new()
    {
        Kind = TaskKind.Removal,
        Selectors = [.. selectors.Select(s => new OrderSelector { Kind = s.Kind, Value = s.Value })],
    };

    /// <summary>Creates an order and moves it Received -> Authenticated -> UnderReview with its clock started.</summary>
    public async Task<long> OrderAsync(Authority authority, LegalInstrument instrument, IEnumerable<OrderTask> tasks, bool emergency = false,
        string submittedBy = "key-1", string reference = "REF-1")
    {
        await using var db = Db();
        var now = Time.GetUtcNow();
        var order = new LegalOrder
        {
            AuthorityId = authority.Id,
            Instrument = instrument,
            Reference = reference,
            Channel = OrderChannel.PortalForm,
            State = OrderState.Received,
            Emergency = emergency,
            SubmittedBy = submittedBy,
            ReceivedAt = now,
            UpdatedAt = now,
            NotUsPersonAttested = instrument == LegalInstrument.UkUsOverseasProductionOrder,
            Tasks = [.. tasks],
        };
        OrderLifecycle.StartClock(order);
        db.LegalOrders.Add(order);
        await db.SaveChangesAsync();
        var events = new[]
        {
            OrderLifecycle.Move(db, order, OrderState.Authenticated, "intake", "system", "signature verified", now),
            OrderLifecycle.Move(db, order, OrderState.UnderReview, "intake", "system", "validated", now),
        };
        await db.SaveChangesAsync();
        await Ledger.AppendBatchAsync(events, CancellationToken.None);
        return order.Id;
    }

    public async Task<LegalOrder> LoadAsync(long id)
    {
        await using var db = Db();
        return await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.Include(db.LegalOrders, o => o.Tasks), o => o.Id == id);
    }

    public async ValueTask DisposeAsync()
    {
        await Ledger.DisposeAsync();
        await Store.DisposeAsync();
    }
}
