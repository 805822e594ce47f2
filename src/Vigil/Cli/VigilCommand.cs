using System.CommandLine;

namespace Vigil.Cli;

/// <summary>The root of the <c>vigil</c> command line.</summary>
public static class VigilCommand
{
    public static RootCommand Create(TimeProvider time)
    {
        var root = new RootCommand("Vigil: detect terrorist content, answer lawful orders, prove every step.");
        root.Options.Add(CliContext.Data);
        root.Options.Add(CliContext.Postgres);
        root.Options.Add(CliContext.Json);
        root.Subcommands.Add(HashCommand.Create());
        root.Subcommands.Add(BankCommands.Create(time));
        root.Subcommands.Add(MatchCommand.Create(time));
        root.Subcommands.Add(DemoCommand.Create(time));
        root.Subcommands.Add(Vigil.Ledger.LedgerCommands.Create(CliContext.Data));
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ServeCommand.Create(time));
        root.Subcommands.Add(UserCommands.Create(time));
        root.Subcommands.Add(Vigil.Platforms.PlatformCommands.Create(time));
        root.Subcommands.Add(Vigil.Observability.MetricsCommands.Create(time));
        root.Subcommands.Add(Vigil.Desk.DsaCommand.Create(time));
        root.Subcommands.Add(Vigil.Authorities.AuthorityCommands.Create(time));
        root.Subcommands.Add(Vigil.Records.RecordsCommands.Create(time));
        return root;
    }

    public static Task<int> RunAsync(string[] args) => Create(TimeProvider.System).Parse(args).InvokeAsync();
}
