namespace Vigil.Authorities;

/// <summary>The legal instruments under which an authority may send an order or receive a referral.</summary>
public enum LegalInstrument
{
    /// <summary>EU e-Evidence European Production Order (Reg. 2023/1543), EPOC.</summary>
    EuProductionOrder,

    /// <summary>EU e-Evidence European Preservation Order, EPOC-PR.</summary>
    EuPreservationOrder,

    /// <summary>EU terrorist content online removal order (Reg. 2021/784).</summary>
    EuTcoRemovalOrder,

    /// <summary>EU DSA Art. 9 (act against illegal content) or Art. 10 (provide information) order.</summary>
    EuDsaOrder,

    /// <summary>Overseas production order under the UK–US Data Access Agreement; never targets a US person.</summary>
    UkUsOverseasProductionOrder,

    /// <summary>Other legal process (UK, US and other national production orders, subpoenas, warrants).</summary>
    GenericLegalProcess,

    /// <summary>Emergency disclosure request (threat to life); held until an out-of-band callback is confirmed.</summary>
    EmergencyDisclosureRequest,
}

/// <summary>What an order task asks for (the ETSI HI-1 RequestType values for disclosure).</summary>
public enum DataCategory
{
    SubscriberData,
    UserIdentifyingData,
    TrafficData,
    StoredContentData,
}

/// <summary>The fixed facts of an instrument: deadlines, the data categories it may ask for, what it makes the platform do.</summary>
/// <param name="Code">Short stable code used in files, URLs and the ledger (e.g. <c>EPOC</c>).</param>
/// <param name="Deadline">Time from receipt to answer; null when the instrument sets none.</param>
/// <param name="EmergencyDeadline">Deadline when the order is flagged as an emergency; null when it cannot be.</param>
/// <param name="Categories">The data categories its tasks may ask for (empty: it asks for no disclosure).</param>
/// <param name="Discloses">The order ends in a disclosure, so two distinct legal officers must approve it.</param>
/// <param name="PreservesOnReceipt">Data in scope is preserved as soon as the order is received.</param>
/// <param name="PreservationPeriod">How long a preservation made for it lasts; null when it makes none.</param>
/// <param name="Removes">The order asks for content to be removed (tasks name items by id or URL).</param>
public sealed record InstrumentRules(
    LegalInstrument Instrument,
    string Code,
    string Title,
    TimeSpan? Deadline,
    TimeSpan? EmergencyDeadline,
    IReadOnlyList<DataCategory> Categories,
    bool Discloses,
    bool PreservesOnReceipt,
    TimeSpan? PreservationPeriod,
    bool Removes)
{
    private static readonly DataCategory[] AllCategories =
        [DataCategory.SubscriberData, DataCategory.UserIdentifyingData, DataCategory.TrafficData, DataCategory.StoredContentData];

    /// <summary>Extension a preservation order may be given once (EPOC-PR: 30 days).</summary>
    public static readonly TimeSpan PreservationExtension = TimeSpan.FromDays(30);

    /// <summary>How long content removed on a TCO order is kept (Reg. 2021/784 Art. 6: six months).</summary>
    public static readonly TimeSpan RemovedContentRetention = TimeSpan.FromDays(183);

    /// <summary>The table in PRODUCT.md. DSA orders say "without undue delay": Vigil holds itself to 72 hours;
    /// generic legal process has no single deadline, so Vigil uses 14 days unless the legal officer shortens it.</summary>
    public static readonly IReadOnlyList<InstrumentRules> All =
    [
        new(LegalInstrument.EuProductionOrder, "EPOC", "EU European Production Order", TimeSpan.FromDays(10), TimeSpan.FromHours(8), AllCategories, Discloses: true, PreservesOnReceipt: true, PreservationPeriod: null, Removes: false),
        new(LegalInstrument.EuPreservationOrder, "EPOC-PR", "EU European Preservation Order", null, null, AllCategories, Discloses: false, PreservesOnReceipt: true, PreservationPeriod: TimeSpan.FromDays(60), Removes: false),
        new(LegalInstrument.EuTcoRemovalOrder, "TCO", "EU TCO removal order", TimeSpan.FromHours(1), null, [], Discloses: false, PreservesOnReceipt: false, PreservationPeriod: null, Removes: true),
        new(LegalInstrument.EuDsaOrder, "DSA", "EU DSA Art. 9/10 order", TimeSpan.FromHours(72), null, AllCategories, Discloses: true, PreservesOnReceipt: false, PreservationPeriod: null, Removes: false),
        new(LegalInstrument.UkUsOverseasProductionOrder, "UKUS-OPO", "UK-US overseas production order", TimeSpan.FromDays(7), null, AllCategories, Discloses: true, PreservesOnReceipt: false, PreservationPeriod: null, Removes: false),
        new(LegalInstrument.GenericLegalProcess, "LEGAL", "Other legal process", TimeSpan.FromDays(14), TimeSpan.FromHours(8), AllCategories, Discloses: true, PreservesOnReceipt: false, PreservationPeriod: null, Removes: false),
        new(LegalInstrument.EmergencyDisclosureRequest, "EDR", "Emergency disclosure request", TimeSpan.FromHours(8), TimeSpan.FromHours(8), [DataCategory.SubscriberData, DataCategory.UserIdentifyingData, DataCategory.TrafficData], Discloses: true, PreservesOnReceipt: true, PreservationPeriod: null, Removes: false),
    ];

    public static InstrumentRules For(LegalInstrument instrument) => All.First(r => r.Instrument == instrument);

    /// <summary>Finds an instrument by its <see cref="Code"/> (case-insensitive); null when unknown.</summary>
    public static InstrumentRules? ForCode(string code) =>
        All.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    /// <summary>The deadline that applies to an order of this instrument.</summary>
    public TimeSpan? DeadlineFor(bool emergency) => emergency && EmergencyDeadline is { } e ? e : Deadline;
}
