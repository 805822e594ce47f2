using System.CommandLine;
using System.Globalization;
using Vigil.Cli;
using Vigil.Ledger;
using Vigil.Moderation;

namespace Vigil.Desk;

/// <summary><c>vigil dsa export --from --to [--out FILE]</c>: statements of reasons for the DSA Transparency Database.</summary>
public static class DsaCommand
{
    public static Command Create(TimeProvider time)
    {
        var from = new Option<string?>("--from") { Description = "First day (YYYY-MM-DD, UTC); default 30 days before --to" };
        var to = new Option<string?>("--to") { Description = "Last day, inclusive (YYYY-MM-DD, UTC); default today" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the JSON here instead of standard output" };
        var export = new Command("export", "Export statements of reasons as {\"batches\":[{\"statements\":[...]}]}, at most 100 per batch, for the multiple-statements API") { from, to, output };
        export.SetAction((parse, ct) => CliContext.Guard(parse, async stdout =>
        {
            if (!DeskEndpoints.TryRange(parse.GetValue(from), parse.GetValue(to), time.GetUtcNow(), out var start, out var end, out var error))
            {
                throw new CliException(error!);
            }
            var store = CliContext.Store(parse);
            IReadOnlyList<Dictionary<string, object?>> statements;
            await using (var db = await store.OpenAsync(ct))
            {
                statements = await DsaExport.StatementsAsync(db, start, end, ct);
            }
            var json = DsaExport.Serialize(statements);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, json + "\n", ct);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{statements.Count} statement(s) in {(statements.Count + DsaExport.BatchSize - 1) / DsaExport.BatchSize} batch(es) written to {file.FullName}"));
            }
            else
            {
                await stdout.WriteLineAsync(json);
            }
            await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
            await ledger.AppendAsync(ModerationDesk.Event(new DeskActor("cli:" + Environment.UserName, "operator"), ModerationDesk.ActionExport, "dsa_export", statements.Count,
                string.Create(CultureInfo.InvariantCulture, $"exported {statements.Count} statements of reasons decided {start:yyyy-MM-dd} to {end.AddDays(-1):yyyy-MM-dd}")), ct);
            return 0;
        }));
        return new Command("dsa", "EU Digital Services Act reporting") { export };
    }
}
