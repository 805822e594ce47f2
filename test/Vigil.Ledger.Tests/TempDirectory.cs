namespace Vigil.Ledger.Tests;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vigil-ledger-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A crashed helper process may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}

internal static class Events
{
    public static LedgerEvent Sample(int i) => new(
        Actor: $"analyst-{i % 7}",
        Role: "analyst",
        Action: "content.view",
        Subject: new LedgerSubject("case", $"case-{i}"),
        Reason: $"triage of report {i}",
        PayloadSha256: i % 3 == 0 ? LedgerEvent.HashPayload(BitConverter.GetBytes(i)) : null);
}
