using Vigil.Tests.Support;

namespace Vigil.Tests.Server;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_reports_an_unusable_address_as_one_error_line()
    {
        using var cli = new CliRunner();
        var (exit, _, error) = await cli.RunAsync("serve", "--urls", "nonsense");
        Assert.Equal(1, exit);
        Assert.Equal("error: cannot listen on 'nonsense': Invalid url: 'nonsense'", error.Trim());
    }

    [Fact]
    public async Task Serve_refuses_https_without_a_usable_certificate_with_one_error_line()
    {
        using var cli = new CliRunner();
        var (exit, _, error) = await cli.RunAsync("serve", "--urls", "https://127.0.0.1:0");
        Assert.Equal(1, exit);
        Assert.Equal("error: an https:// address needs --tls-certificate (and --tls-key unless the key is in the same file)", error.Trim());

        var missing = Path.Combine(Path.GetTempPath(), "vigil-missing-" + Guid.NewGuid().ToString("N") + ".pem");
        (exit, _, error) = await cli.RunAsync("serve", "--urls", "https://127.0.0.1:0", "--tls-certificate", missing);
        Assert.Equal(1, exit);
        Assert.StartsWith($"error: cannot read the TLS certificate and key ({missing}): ", error.Trim(), StringComparison.Ordinal);

        // A certificate without its key.
        var certOnly = Path.Combine(Path.GetTempPath(), "vigil-cert-" + Guid.NewGuid().ToString("N") + ".pem");
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=vigil.test", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var cert = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
            await File.WriteAllTextAsync(certOnly, cert.ExportCertificatePem());
        }
        try
        {
            (exit, _, error) = await cli.RunAsync("serve", "--urls", "https://127.0.0.1:0", "--tls-certificate", certOnly);
            Assert.Equal(1, exit);
            Assert.StartsWith($"error: cannot read the TLS certificate and key ({certOnly}): ", error.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(certOnly);
        }
    }
}
