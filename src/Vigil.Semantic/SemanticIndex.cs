using System.Numerics.Tensors;

namespace Vigil.Semantic;

/// <summary>One neighbour found by <see cref="SemanticIndex.Search"/>.</summary>
public readonly record struct SemanticMatch(long Id, float Similarity);

/// <summary>
/// Exact nearest neighbours by cosine similarity over unit vectors: a brute-force scan of one
/// contiguous array with SIMD dot products (TensorPrimitives), which stays within milliseconds at
/// 100k vectors (docs/semantic.md) and never misses a neighbour, unlike approximate indexes.
/// Memory: 1.5 KiB per vector. Searches may run concurrently; Add and Remove must not overlap them.
/// </summary>
public sealed class SemanticIndex
{
    private readonly int dimensions;
    private float[] data;
    private long[] ids;
    private readonly Dictionary<long, int> slots = [];

    /// <summary>Creates an empty index for vectors of <paramref name="dimensions"/> floats.</summary>
    public SemanticIndex(int dimensions = SentenceEmbedder.Dimensions, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        this.dimensions = dimensions;
        capacity = Math.Max(capacity, 1);
        data = new float[capacity * dimensions];
        ids = new long[capacity];
    }

    public int Count => slots.Count;

    public int Dimensions => dimensions;

    public bool Contains(long id) => slots.ContainsKey(id);

    /// <summary>Adds or replaces the vector of <paramref name="id"/>; the vector is stored L2-normalised.</summary>
    public void Add(long id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != dimensions)
        {
            throw new ArgumentException($"expected {dimensions} dimensions, got {vector.Length}", nameof(vector));
        }
        if (!slots.TryGetValue(id, out var slot))
        {
            slot = slots.Count;
            if (slot == ids.Length)
            {
                Array.Resize(ref ids, ids.Length * 2);
                Array.Resize(ref data, ids.Length * dimensions);
            }
            slots[id] = slot;
            ids[slot] = id;
        }
        var row = data.AsSpan(slot * dimensions, dimensions);
        vector.CopyTo(row);
        var norm = TensorPrimitives.Norm(row);
        if (norm > 0)
        {
            TensorPrimitives.Divide(row, norm, row);
        }
    }

    /// <summary>Removes <paramref name="id"/>; the last vector moves into its slot so the scan stays dense.</summary>
    public bool Remove(long id)
    {
        if (!slots.Remove(id, out var slot))
        {
            return false;
        }
        var last = slots.Count;
        if (slot != last)
        {
            data.AsSpan(last * dimensions, dimensions).CopyTo(data.AsSpan(slot * dimensions, dimensions));
            ids[slot] = ids[last];
            slots[ids[slot]] = slot;
        }
        return true;
    }

    /// <summary>
    /// The <paramref name="k"/> most similar vectors with similarity at least <paramref name="minSimilarity"/>,
    /// most similar first (ties: smaller id first). The query need not be normalised.
    /// </summary>
    public List<SemanticMatch> Search(ReadOnlySpan<float> query, int k, float minSimilarity = -1f)
    {
        if (query.Length != dimensions)
        {
            throw new ArgumentException($"expected {dimensions} dimensions, got {query.Length}", nameof(query));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var norm = TensorPrimitives.Norm(query);
        var result = new List<SemanticMatch>();
        if (k == 0 || Count == 0 || norm == 0 || !float.IsFinite(norm))
        {
            return result;
        }
        // Compare raw dot products against the threshold scaled by the query norm: no copy of the query.
        var threshold = minSimilarity * norm;
        var heap = new PriorityQueue<SemanticMatch, SemanticMatch>(k + 1, WorstFirst.Instance);
        var count = Count;
        for (var slot = 0; slot < count; slot++)
        {
            var dot = TensorPrimitives.Dot(query, data.AsSpan(slot * dimensions, dimensions));
            if (dot < threshold)
            {
                continue;
            }
            var candidate = new SemanticMatch(ids[slot], dot / norm);
            if (heap.Count < k)
            {
                heap.Enqueue(candidate, candidate);
            }
            else if (WorstFirst.Instance.Compare(candidate, heap.Peek()) > 0)
            {
                heap.DequeueEnqueue(candidate, candidate);
            }
        }
        while (heap.Count > 0)
        {
            result.Add(heap.Dequeue());
        }
        result.Reverse();
        return result;
    }

    /// <summary>Orders matches worst first: lower similarity, then larger id.</summary>
    private sealed class WorstFirst : IComparer<SemanticMatch>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare(SemanticMatch x, SemanticMatch y)
        {
            var c = x.Similarity.CompareTo(y.Similarity);
            return c != 0 ? c : y.Id.CompareTo(x.Id);
        }
    }
}
