using System.CommandLine;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cli;

namespace Vigil.Tests.Support;

/// <summary>Runs the real `vigil` command line in-process against its own data folder.</summary>
public sealed class CliRunner : IDisposable
{
    public CliRunner()
    {
        Data = Directory.CreateTempSubdirectory("vigil-cli-");
    }

    public DirectoryInfo Data { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    public async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var root = VigilCommand.Create(Time);
        var exit = await root.Parse([.. args, "--data", Data.FullName]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Data.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(Data.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Data.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
