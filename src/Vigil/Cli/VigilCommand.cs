using System.CommandLine;

namespace Vigil.Cli;

/// <summary>The root of the <c>vigil</c> command line.</summary>
public static class VigilCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Vigil: detect terrorist content, answer lawful orders, prove every step.");
        return root.Parse(args).InvokeAsync();
    }
}
