using System.CommandLine;
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
            await using var app = await VigilServer.BuildAsync(CliContext.Store(parse), parse.GetValue(urls)!, time, ct);
            await app.StartAsync(ct);
            await output.WriteLineAsync("vigil serving on " + string.Join(", ", VigilServer.Addresses(app)));
            await app.WaitForShutdownAsync(ct);
            return 0;
        }));
        return cmd;
    }
}
