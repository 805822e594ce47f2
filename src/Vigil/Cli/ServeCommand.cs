using System.CommandLine;
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
        var cmd = new Command("serve", "Run the web server: staff sign-in with two-factor, the ingest and reports APIs, the detection pipeline, the ledger API, /health and /ready") { urls, rules };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var addresses = parse.GetValue(urls)!;
            var rulesFolder = parse.GetValue(rules);
            if (rulesFolder is not null && !Directory.Exists(rulesFolder))
            {
                throw new CliException($"rules folder '{rulesFolder}' does not exist");
            }
            WebApplication app;
            try
            {
                app = await VigilServer.BuildAsync(CliContext.Store(parse), addresses, time, ct);
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
}
