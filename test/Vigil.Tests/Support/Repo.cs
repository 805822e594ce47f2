namespace Vigil.Tests.Support;

/// <summary>Paths relative to the repository root, e.g. the shared vectors at ../shared.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Shared(params string[] parts) => Path.GetFullPath(Path.Combine([Root, "..", "shared", .. parts]));

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Vigil.slnx) above " + AppContext.BaseDirectory);
    }
}
