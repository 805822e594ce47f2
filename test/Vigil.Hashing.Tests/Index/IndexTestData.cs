using Vigil.Hashing.Index;

namespace Vigil.Hashing.Tests.Index;

/// <summary>Shared vectors, seeded data and the brute-force oracle the index is compared with.</summary>
internal static class IndexTestData
{
    public static string SharedPath(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException($"no Vigil.slnx above {AppContext.BaseDirectory}");
        }
        return Path.Combine([dir.FullName, "..", "shared", .. parts]);
    }

    public static Hash256 RandomHash(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return Hash256.FromBytes(bytes);
    }

    public static Hash256 FlipRandomBits(Hash256 hash, int bits, Random random)
    {
        var positions = Enumerable.Range(0, Hash256.Bits).ToArray();
        random.Shuffle(positions);
        for (var i = 0; i < bits; i++)
        {
            hash = hash.FlipBit(positions[i]);
        }
        return hash;
    }

    public static List<HammingMatch> BruteForce(IEnumerable<(long Id, Hash256 Hash)> entries, Hash256 query, int radius) =>
        [.. entries.Select(e => new HammingMatch(e.Id, e.Hash.DistanceTo(query))).Where(m => m.Distance <= radius).OrderBy(m => m.Id)];

    public static List<HammingMatch> Sorted(IEnumerable<HammingMatch> matches) => [.. matches.OrderBy(m => m.Id)];
}
