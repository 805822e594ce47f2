using System.Runtime.InteropServices;

namespace Vigil.Hashing.Text;

/// <summary>A stored text that is near the queried one.</summary>
/// <param name="Id">The id the text was added under.</param>
/// <param name="Similarity">Estimated Jaccard similarity of the shingle sets (0..1).</param>
public readonly record struct NearDuplicateMatch(string Id, double Similarity);

/// <summary>
/// Finds stored MinHash signatures near a query: LSH banding picks candidates, then each candidate's
/// similarity is computed from the full stored signature and filtered by the threshold.
/// </summary>
/// <remarks>
/// With b bands of r rows, a text at true similarity s becomes a candidate with probability
/// 1 - (1 - s^r)^b. The default 42 x 3 gives 0.996 at s = 0.5, 0.68 at s = 0.3 and 0.005 at s = 0.05,
/// so near-duplicates at the default threshold are almost never missed while unrelated texts
/// (similarity near 0) are rarely even compared. Not thread-safe: guard concurrent writers.
/// </remarks>
public sealed class NearDuplicateIndex
{
    /// <summary>Estimated Jaccard similarity at and above which a text counts as a near-duplicate (docs/text-hashing.md).</summary>
    public const double DefaultThreshold = 0.5;

    private readonly int _bands;
    private readonly int _rows;
    private readonly Dictionary<ulong, List<int>>[] _buckets;
    private readonly List<(string Id, MinHashSignature Signature)> _entries = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    /// <summary>Creates an empty index with <paramref name="bands"/> bands of <paramref name="rowsPerBand"/> values each.</summary>
    public NearDuplicateIndex(int bands = 42, int rowsPerBand = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerBand, 1);
        if (bands * rowsPerBand > MinHashSignature.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(bands), $"bands x rows ({bands} x {rowsPerBand}) exceeds the {MinHashSignature.Size} signature values");
        }
        _bands = bands;
        _rows = rowsPerBand;
        _buckets = new Dictionary<ulong, List<int>>[bands];
        for (var b = 0; b < bands; b++)
        {
            _buckets[b] = [];
        }
    }

    /// <summary>Number of stored signatures.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether a signature is stored under <paramref name="id"/>.</summary>
    public bool Contains(string id) => _ids.ContainsKey(id);

    /// <summary>Stores <paramref name="signature"/> under <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">The id is already stored, or the signature is empty (a text with no content).</exception>
    public void Add(string id, MinHashSignature signature)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.IsEmpty)
        {
            throw new ArgumentException($"the signature for '{id}' is empty: the text has no content after normalisation", nameof(signature));
        }
        if (!_ids.TryAdd(id, _entries.Count))
        {
            throw new ArgumentException($"an entry with id '{id}' is already in the index", nameof(id));
        }
        var ordinal = _entries.Count;
        _entries.Add((id, signature));
        for (var b = 0; b < _bands; b++)
        {
            ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets[b], BandKey(signature, b), out _);
            (list ??= []).Add(ordinal);
        }
    }

    /// <summary>Stored texts whose estimated similarity to <paramref name="signature"/> is at least <paramref name="threshold"/>, most similar first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in (0, 1].</exception>
    public IReadOnlyList<NearDuplicateMatch> Query(MinHashSignature signature, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the similarity threshold must be in (0, 1]");
        }
        if (signature.IsEmpty || _entries.Count == 0)
        {
            return [];
        }
        var candidates = new HashSet<int>();
        for (var b = 0; b < _bands; b++)
        {
            if (_buckets[b].TryGetValue(BandKey(signature, b), out var list))
            {
                candidates.UnionWith(list);
            }
        }
        var matches = new List<NearDuplicateMatch>();
        foreach (var ordinal in candidates)
        {
            var (id, stored) = _entries[ordinal];
            var similarity = stored.EstimateSimilarity(signature);
            if (similarity >= threshold)
            {
                matches.Add(new NearDuplicateMatch(id, similarity));
            }
        }
        matches.Sort(static (x, y) =>
        {
            var bySimilarity = y.Similarity.CompareTo(x.Similarity);
            return bySimilarity != 0 ? bySimilarity : string.CompareOrdinal(x.Id, y.Id);
        });
        return matches;
    }

    private ulong BandKey(MinHashSignature signature, int band) =>
        System.IO.Hashing.XxHash3.HashToUInt64(
            MemoryMarshal.AsBytes(signature.Values.Slice(band * _rows, _rows)), band);
}
