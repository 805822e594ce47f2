namespace Vigil.Hashing.Tests.Pdq;

/// <summary>Finds the shared PDQ vectors (../shared/vectors/pdq from the repository root) and reads their tables.</summary>
internal static class Vectors
{
    private static readonly Lazy<string> s_repo = new(FindRepositoryRoot);

    public static string PdqRoot => Path.GetFullPath(Path.Combine(s_repo.Value, "..", "shared", "vectors", "pdq"));

    /// <summary>A committed fixture of this test project.</summary>
    public static string Fixture(string file) => Path.Combine(s_repo.Value, "test", "Vigil.Hashing.Tests", "Fixtures", file);

    public static string Exact(string file) => Path.Combine(PdqRoot, "exact", file);

    public static string Files(string file) => Path.Combine(PdqRoot, "files", file);

    /// <summary>Rows of a tab-separated table, header skipped.</summary>
    public static IEnumerable<string[]> ReadTable(string path) =>
        File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'));

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }
        if (dir is null)
        {
            throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
        }
        return dir.FullName;
    }
}
