namespace Vigil.Ledger.Tests;

internal static class Paths
{
    /// <summary>The repository root: the first folder above the test binaries that holds Vigil.slnx.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SharedVectors(params string[] parts) =>
        Path.Combine([RepositoryRoot, "..", "shared", "vectors", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
