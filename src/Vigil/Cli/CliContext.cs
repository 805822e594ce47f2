using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Storage;

namespace Vigil.Cli;

/// <summary>Options every command shares, and the plumbing to print results as text or JSON.</summary>
public static class CliContext
{
    public static readonly Option<DirectoryInfo> Data = new("--data")
    {
        Description = "Data folder (SQLite database, keys). Default: $VIGIL_DATA, else ./vigil-data",
        Recursive = true,
        DefaultValueFactory = _ => new DirectoryInfo(Environment.GetEnvironmentVariable("VIGIL_DATA") is { Length: > 0 } d ? d : "vigil-data"),
    };

    public static readonly Option<string?> Postgres = new("--postgres")
    {
        Description = $"PostgreSQL connection string for the main database instead of SQLite. Default: ${VigilStore.PostgresEnvironmentVariable}",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(VigilStore.PostgresEnvironmentVariable),
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the result as JSON",
        Recursive = true,
    };

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static VigilStore Store(ParseResult parse) => new(parse.GetValue(Data)!, parse.GetValue(Postgres));

    public static void WriteJson<T>(ParseResult parse, T value) =>
        parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Runs a command body, turning expected failures into one clear line on stderr and exit code 1.</summary>
    public static async Task<int> Guard(ParseResult parse, Func<TextWriter, Task<int>> body)
    {
        var output = parse.InvocationConfiguration.Output;
        try
        {
            return await body(output);
        }
        catch (Exception e) when (e is Banks.BankException or Banks.Exchanges.ExchangeFormatException or CliException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or FormatException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }
}

/// <summary>A usage error the command reports as one line.</summary>
public sealed class CliException(string message) : Exception(message)
{
    public CliException() : this("invalid command") { }

    public CliException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}
