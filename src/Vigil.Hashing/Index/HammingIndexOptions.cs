namespace Vigil.Hashing.Index;

/// <summary>Tuning knobs of a <see cref="HammingIndex"/>; the defaults suit 1k..100M hashes.</summary>
public sealed record HammingIndexOptions
{
    /// <summary>The defaults.</summary>
    public static HammingIndexOptions Default { get; } = new();

    /// <summary>
    /// Number of chunks (hash tables) the 256 bits are split into, 8..64; null picks about
    /// 256 / log2(count) so that a bucket holds about one hash. Each table has 2^(256/m) buckets
    /// (4 bytes each), so a fixed small m on a small index wastes memory.
    /// </summary>
    public int? ChunkCount { get; init; }

    /// <summary>
    /// Compact (rebuild the static part) automatically when the added-since-build entries exceed
    /// this fraction of the static part, or the removed ones exceed four times it. 0 disables it.
    /// </summary>
    public double CompactionFraction { get; init; } = 1.0 / 64;

    /// <summary>Below this many added entries no automatic compaction happens (a short scan is cheap).</summary>
    public int MinDeltaForCompaction { get; init; } = 4096;

    /// <summary>Threads used to build the tables; 1 builds on the calling thread only.</summary>
    public int MaxBuildParallelism { get; init; } = Environment.ProcessorCount;

    internal void Validate()
    {
        if (ChunkCount is { } m && (m < MultiIndexLayout.MinChunks || m > MultiIndexLayout.MaxChunks))
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkCount), m,
                $"ChunkCount must be {MultiIndexLayout.MinChunks}..{MultiIndexLayout.MaxChunks}");
        }
        if (!(CompactionFraction >= 0) || double.IsInfinity(CompactionFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(CompactionFraction), CompactionFraction, "CompactionFraction must be a finite number >= 0");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(MinDeltaForCompaction);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBuildParallelism, 1);
    }
}
