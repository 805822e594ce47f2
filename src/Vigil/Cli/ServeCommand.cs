using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Pipeline;
using Vigil.Server;

namespace Vigil.Cli;

/// <summary><c>vigil serve</c>: the web server (staff sign-in, ledger API, health).</summary>
public static class ServeCommand
{
    public static Command Create(TimeProvider time)
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';'",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var rules = new Option<string?>("--rules")
        {
            Description = "Detection rules folder (*.yaml), reloaded when files change; default DATA/rules, seeded with the shipped rules",
        };
        var certificate = new Option<FileInfo?>("--tls-certificate")
        {
            Description = "PEM certificate (chain) for the https:// addresses in --urls; they also accept authorities' client certificates for HI-1 over mutual TLS",
        };
        var key = new Option<FileInfo?>("--tls-key") { Description = "PEM private key of --tls-certificate (default: the certificate file itself)" };
        var cmd = new Command("serve", "Run the web server: staff sign-in with two-factor, the ingest and reports APIs, the detection pipeline, the ledger API, /health and /ready") { urls, rules, certificate, key };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var addresses = parse.GetValue(urls)!;
            var rulesFolder = parse.GetValue(rules);
            if (rulesFolder is not null && !Directory.Exists(rulesFolder))
            {
                throw new CliException($"rules folder '{rulesFolder}' does not exist");
            }
            var tls = LoadCertificate(parse.GetValue(certificate), parse.GetValue(key));
            if (tls is null && addresses.Contains("https://", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException("an https:// address needs --tls-certificate (and --tls-key unless the key is in the same file)");
            }
            WebApplication app;
            try
            {
                app = await VigilServer.BuildAsync(CliContext.Store(parse), addresses, time, tls, ct);
            }
            catch (System.Data.Common.DbException e)
            {
                throw new CliException("cannot open the database", e);
            }
            await using var _ = app;
            app.Services.GetRequiredService<PipelineOptions>().RulesFolder = rulesFolder;
            try
            {
                await app.StartAsync(ct);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UriFormatException)
            {
                throw new CliException($"cannot listen on '{addresses}'", e);
            }
            await output.WriteLineAsync("vigil serving on " + string.Join(", ", VigilServer.Addresses(app)));
            await app.WaitForShutdownAsync(ct);
            return 0;
        }));
        return cmd;
    }

    private static X509Certificate2? LoadCertificate(FileInfo? certificate, FileInfo? key)
    {
        if (certificate is null)
        {
            return key is null ? null : throw new CliException("--tls-key needs --tls-certificate");
        }
        try
        {
            var cert = X509Certificate2.CreateFromPemFile(certificate.FullName, key?.FullName);
            return cert.HasPrivateKey ? cert : throw new CliException($"{certificate.FullName}: the certificate has no private key; give it with --tls-key");
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the TLS certificate and key ({certificate.FullName}{(key is null ? "" : ", " + key.FullName)}): {e.Message}");
        }
    }
}
