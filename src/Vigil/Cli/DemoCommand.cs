using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Vigil.Demo;

namespace Vigil.Cli;

/// <summary><c>vigil demo</c>: runs Vigil's story on generated data and checks every step, then serves it to explore.</summary>
public static class DemoCommand
{
    public static Command Create(TimeProvider time)
    {
        var noServe = new Option<bool>("--no-serve") { Description = "Run the story, check it and exit (for scripts)" };
        var urls = new Option<string>("--urls")
        {
            Description = "Where the demo server listens (port 0 picks a free one)",
            DefaultValueFactory = _ => "http://127.0.0.1:5080",
        };
        var cmd = new Command("demo",
            "Run the whole story on generated data (banks, altered re-posts, matches, vetoes, flood protection), then start the server with demo " +
            "accounts and generated platform traffic and keep serving until Ctrl+C; exits 0 only when every check passed") { noServe, urls };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var store = CliContext.Store(parse);
            await output.WriteLineAsync($"Vigil demo: data in {store.DataDirectory.FullName}{(store.IsPostgres ? " (PostgreSQL)" : "")}");
            var story = new DemoStory(store, time, output);
            var ok = await story.RunAsync(ct);
            if (parse.GetValue(noServe))
            {
                return ok ? 0 : 1;
            }
            if (!ok)
            {
                await output.WriteLineAsync("demo: not serving, because a check of the story failed");
                return 1;
            }
            var addresses = parse.GetValue(urls)!;
            DemoServer server;
            try
            {
                server = await DemoServer.StartAsync(store, addresses, time, output, ct);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or FormatException or UriFormatException or HttpRequestException)
            {
                throw new CliException($"cannot serve the demo on '{addresses}'", e);
            }
            await using (server)
            {
                if (!server.Succeeded)
                {
                    await output.WriteLineAsync("demo: a check of the served traffic FAILED; stopping");
                    return 1;
                }
                await output.WriteLineAsync(server.Welcome(store));
                // Ctrl+C and SIGTERM cancel ct (System.CommandLine) and stop the host (its console lifetime).
                await server.App.WaitForShutdownAsync(ct);
            }
            await output.WriteLineAsync("demo: stopped");
            return 0;
        }));
        return cmd;
    }
}
