using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
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
        var cmd = new Command("serve", "Run the web server: staff sign-in with two-factor, the ledger API, /health and /ready") { urls };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var addresses = parse.GetValue(urls)!;
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
