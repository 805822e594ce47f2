using System.Numerics;

namespace Vigil.Hashing.Index;

/// <summary>
/// Entries added since the last build: a small array scanned in full by every search. It is kept
/// small by compaction into a new <see cref="StaticSegment"/>.
/// </summary>
internal sealed class DeltaSegment
{
    private ulong[] _words = new ulong[4 * 64];
    private long[] _ids = new long[64];
    private readonly Dictionary<long, int> _slots = [];

    public int Count { get; private set; }

    public long MemoryBytes => (_words.LongLength * 8) + (_ids.LongLength * 8) + (_slots.Count * 24L);

    public bool Contains(long id) => _slots.ContainsKey(id);

    public void Add(long id, in Hash256 hash)
    {
        if (Count == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
            Array.Resize(ref _words, _words.Length * 2);
        }
        var w = 4 * Count;
        _words[w] = hash.W0;
        _words[w + 1] = hash.W1;
        _words[w + 2] = hash.W2;
        _words[w + 3] = hash.W3;
        _ids[Count] = id;
        _slots.Add(id, Count);
        Count++;
    }

    /// <summary>Removes by moving the last entry into the freed slot.</summary>
    public bool Remove(long id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return false;
        }
        var last = Count - 1;
        if (slot != last)
        {
            Array.Copy(_words, 4 * last, _words, 4 * slot, 4);
            _ids[slot] = _ids[last];
            _slots[_ids[slot]] = slot;
        }
        Count--;
        return true;
    }

    public long IdAt(int slot) => _ids[slot];

    public Hash256 HashAt(int slot) => new(_words[4 * slot], _words[(4 * slot) + 1], _words[(4 * slot) + 2], _words[(4 * slot) + 3]);

    public void Search(in Hash256 query, int radius, List<HammingMatch> results)
    {
        ulong q0 = query.W0, q1 = query.W1, q2 = query.W2, q3 = query.W3;
        var words = _words.AsSpan(0, 4 * Count);
        for (int slot = 0, w = 0; slot < Count; slot++, w += 4)
        {
            var d = BitOperations.PopCount(words[w] ^ q0) + BitOperations.PopCount(words[w + 1] ^ q1)
                + BitOperations.PopCount(words[w + 2] ^ q2) + BitOperations.PopCount(words[w + 3] ^ q3);
            if (d <= radius)
            {
                results.Add(new HammingMatch(_ids[slot], d));
            }
        }
    }
}
