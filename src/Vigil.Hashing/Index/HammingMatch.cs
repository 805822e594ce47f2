namespace Vigil.Hashing.Index;

/// <summary>One hit of a Hamming range search: the caller's id and its distance (0..256) to the query.</summary>
public readonly record struct HammingMatch(long Id, int Distance);
