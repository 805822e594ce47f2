namespace Vigil.Matching;

/// <summary>Settings for <see cref="FloodGuard"/>.</summary>
/// <param name="Window">How many recent lookups are remembered.</param>
/// <param name="MinLookups">No entry is judged before this many lookups (a small sample proves nothing).</param>
/// <param name="MaxShare">An entry matching more than this share of the remembered lookups is quarantined.</param>
public sealed record FloodGuardOptions(int Window = 2000, int MinLookups = 200, double MaxShare = 0.05)
{
    public static FloodGuardOptions Default { get; } = new();
}

/// <summary>
/// Flood protection: a bank entry that suddenly matches a large share of lookups (a bad hash, an
/// empty-file MD5, a near-uniform image) is far more likely a broken entry than a flood of terrorist
/// content; it is taken out of matching and reported for a person to look at.
/// </summary>
public sealed class FloodGuard(FloodGuardOptions options)
{
    private readonly long[][] ring = new long[options.Window][];
    private readonly Dictionary<long, int> hits = [];
    private readonly HashSet<long> quarantined = [];
    private long lookups;

    public FloodGuardOptions Options { get; } = options;

    public bool IsQuarantined(long entryId) => quarantined.Contains(entryId);

    /// <summary>Records one lookup's matched entries; returns the entries this lookup pushed over the limit.</summary>
    public IReadOnlyList<(long EntryId, int Hits, int Lookups)> Record(IReadOnlyCollection<long> matchedEntries)
    {
        var slot = (int)(lookups % ring.Length);
        if (ring[slot] is { } old)
        {
            foreach (var id in old)
            {
                if (--hits[id] == 0)
                {
                    hits.Remove(id);
                }
            }
        }
        var ids = matchedEntries.Distinct().ToArray();
        ring[slot] = ids;
        lookups++;
        var remembered = (int)Math.Min(lookups, ring.Length);
        List<(long, int, int)>? over = null;
        foreach (var id in ids)
        {
            var n = hits[id] = hits.GetValueOrDefault(id) + 1;
            if (remembered >= Options.MinLookups && n > Options.MaxShare * remembered && quarantined.Add(id))
            {
                (over ??= []).Add((id, n, remembered));
            }
        }
        return over ?? (IReadOnlyList<(long, int, int)>)[];
    }
}
