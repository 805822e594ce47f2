using System.CommandLine;
using Vigil.Demo;

namespace Vigil.Cli;

/// <summary><c>vigil demo</c>: runs Vigil's story on generated data and checks every step.</summary>
public static class DemoCommand
{
    public static Command Create(TimeProvider time)
    {
        var noServe = new Option<bool>("--no-serve") { Description = "Run the story, check it and exit (for scripts); the default until `vigil serve` exists" };
        var cmd = new Command("demo", "Run the whole story on generated data: banks, altered re-posts, matches, vetoes, flood protection; exits 0 only when every check passed") { noServe };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var store = CliContext.Store(parse);
            await output.WriteLineAsync($"Vigil demo: data in {store.DataDirectory.FullName}{(store.IsPostgres ? " (PostgreSQL)" : "")}");
            var story = new DemoStory(store, time, output);
            var ok = await story.RunAsync(ct);
            return ok ? 0 : 1;
        }));
        return cmd;
    }
}
