namespace Vigil.Hashing.Pdq;

/// <summary>
/// PDQ perceptual hashing (Meta's 256-bit image hash), bit-exact with the C++ reference. These static
/// methods use one <see cref="PdqWorkspace"/> per thread; hold a workspace yourself to control its lifetime.
/// </summary>
public static class PdqHasher
{
    [ThreadStatic]
    private static PdqWorkspace? s_workspace;

    /// <summary>The calling thread's workspace.</summary>
    public static PdqWorkspace Workspace => s_workspace ??= new PdqWorkspace();

    /// <inheritdoc cref="PdqWorkspace.HashLuma"/>
    public static PdqResult HashLuma(ReadOnlySpan<float> luma, int width, int height) => Workspace.HashLuma(luma, width, height);

    /// <inheritdoc cref="PdqWorkspace.HashLumaDihedral"/>
    public static PdqDihedral HashLumaDihedral(ReadOnlySpan<float> luma, int width, int height) => Workspace.HashLumaDihedral(luma, width, height);

    /// <inheritdoc cref="PdqWorkspace.HashRgb"/>
    public static PdqResult HashRgb(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, int stride) =>
        Workspace.HashRgb(pixels, width, height, bytesPerPixel, stride);

    /// <inheritdoc cref="PdqWorkspace.HashRgbDihedral"/>
    public static PdqDihedral HashRgbDihedral(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, int stride) =>
        Workspace.HashRgbDihedral(pixels, width, height, bytesPerPixel, stride);

    /// <inheritdoc cref="PdqWorkspace.HashFile"/>
    public static PdqResult HashFile(string path) => Workspace.HashFile(path);

    /// <inheritdoc cref="PdqWorkspace.HashFileDihedral"/>
    public static PdqDihedral HashFileDihedral(string path) => Workspace.HashFileDihedral(path);

    /// <inheritdoc cref="PdqWorkspace.HashImage"/>
    public static PdqResult HashImage(ReadOnlySpan<byte> encoded, string? name = null) => Workspace.HashImage(encoded, name);

    /// <inheritdoc cref="PdqWorkspace.HashImageDihedral"/>
    public static PdqDihedral HashImageDihedral(ReadOnlySpan<byte> encoded, string? name = null) => Workspace.HashImageDihedral(encoded, name);
}
