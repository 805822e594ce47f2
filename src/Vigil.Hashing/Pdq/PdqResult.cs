namespace Vigil.Hashing.Pdq;

/// <summary>A PDQ hash and its quality (0..100; below 50 the hash should not be trusted for matching).</summary>
public readonly record struct PdqResult(Hash256 Hash, int Quality);

/// <summary>The eight dihedral transforms of an image, in the reference's order.</summary>
public enum PdqTransform
{
    /// <summary>The image as given.</summary>
    Original = 0,
    /// <summary>Rotated 90 degrees.</summary>
    Rotate90 = 1,
    /// <summary>Rotated 180 degrees.</summary>
    Rotate180 = 2,
    /// <summary>Rotated 270 degrees.</summary>
    Rotate270 = 3,
    /// <summary>Mirrored top to bottom (the reference's flip X).</summary>
    FlipX = 4,
    /// <summary>Mirrored left to right (the reference's flip Y).</summary>
    FlipY = 5,
    /// <summary>Transposed (mirrored about the main diagonal).</summary>
    FlipPlus1 = 6,
    /// <summary>Anti-transposed (mirrored about the other diagonal).</summary>
    FlipMinus1 = 7,
}

/// <summary>
/// The PDQ hashes of the eight dihedral transforms of one image, derived from a single pass (signs
/// and transposition of the DCT output), plus the quality they share.
/// </summary>
public readonly record struct PdqDihedral(
    Hash256 Original,
    Hash256 Rotate90,
    Hash256 Rotate180,
    Hash256 Rotate270,
    Hash256 FlipX,
    Hash256 FlipY,
    Hash256 FlipPlus1,
    Hash256 FlipMinus1,
    int Quality)
{
    /// <summary>The hash of one transform.</summary>
    public Hash256 this[PdqTransform transform] => transform switch
    {
        PdqTransform.Original => Original,
        PdqTransform.Rotate90 => Rotate90,
        PdqTransform.Rotate180 => Rotate180,
        PdqTransform.Rotate270 => Rotate270,
        PdqTransform.FlipX => FlipX,
        PdqTransform.FlipY => FlipY,
        PdqTransform.FlipPlus1 => FlipPlus1,
        PdqTransform.FlipMinus1 => FlipMinus1,
        _ => throw new ArgumentOutOfRangeException(nameof(transform), transform, "not a dihedral transform"),
    };

    /// <summary>The result for the untransformed image.</summary>
    public PdqResult OriginalResult => new(Original, Quality);
}
