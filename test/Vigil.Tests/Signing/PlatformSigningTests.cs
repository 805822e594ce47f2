using System.Diagnostics;
using Vigil.Signing;

namespace Vigil.Tests.Signing;

public sealed class PlatformSigningTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("vigil-signing-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Key_is_created_once_owner_only_and_reloaded()
    {
        string thumbprint;
        using (var first = PlatformSigning.LoadOrCreate(_dir, TimeProvider.System))
        {
            thumbprint = first.Certificate.Thumbprint;
            Assert.True(first.Certificate.HasPrivateKey);
        }
        using var second = PlatformSigning.LoadOrCreate(_dir, TimeProvider.System);
        Assert.Equal(thumbprint, second.Certificate.Thumbprint);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(_dir.FullName, "keys", PlatformSigning.KeyFileName));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public async Task Openssl_verifies_a_cms_signature_and_refuses_a_changed_file()
    {
        using var signing = PlatformSigning.LoadOrCreate(_dir, TimeProvider.System);
        var content = "{\"referral\":1}"u8.ToArray();
        var file = Path.Combine(_dir.FullName, "content.json");
        var sig = Path.Combine(_dir.FullName, "content.json.p7s");
        await File.WriteAllBytesAsync(file, content);
        await File.WriteAllBytesAsync(sig, signing.SignCms(content, detached: true, DateTimeOffset.UnixEpoch.AddYears(56)));

        Assert.Equal(0, await OpensslVerifyAsync(sig, file, signing.CertificatePath));
        await File.WriteAllTextAsync(file, "{\"referral\":2}");
        Assert.NotEqual(0, await OpensslVerifyAsync(sig, file, signing.CertificatePath));
    }

    private static async Task<int> OpensslVerifyAsync(string sig, string content, string cert)
    {
        var psi = new ProcessStartInfo("openssl")
        {
            ArgumentList = { "cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", content, "-CAfile", cert, "-out", "/dev/null" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
