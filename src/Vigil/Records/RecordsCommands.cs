using System.CommandLine;
using System.Globalization;
using Vigil.Cli;
using Vigil.Ledger;

namespace Vigil.Records;

/// <summary><c>vigil records ...</c>: retention from the command line.</summary>
public static class RecordsCommands
{
    public static Command Create(TimeProvider time)
    {
        var records = new Command("records", "Records kept for lawful disclosure: retention and purge");
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be deleted; delete nothing and write nothing to the ledger" };
        var purge = new Command("purge", "Delete records past their retention (DATA/retention.yaml), except those a preservation hold keeps") { dryRun };
        purge.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            RetentionPolicy policy;
            var store = CliContext.Store(parse);
            try
            {
                policy = RetentionPolicy.LoadDataDirectory(store.DataDirectory.FullName);
            }
            catch (RetentionConfigException e)
            {
                throw new CliException(e.Message);
            }
            await using var db = await store.OpenAsync(ct);
            var dry = parse.GetValue(dryRun);
            PurgeReport report;
            if (dry)
            {
                report = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: true, null, ct);
            }
            else
            {
                await using var ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
                report = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: false, ledger, ct);
            }
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, report);
                return 0;
            }
            foreach (var c in report.Categories)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Category,-16} cutoff {c.Cutoff:yyyy-MM-dd'T'HH:mm:ss'Z'}  {(dry ? "would delete" : "deleted")} {c.Deleted}{(c.DroppedPartitions.Count > 0 ? $" ({(dry ? "would drop" : "dropped")} {string.Join(", ", c.DroppedPartitions)})" : "")}"));
            }
            foreach (var h in report.Holds)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"hold {h.HoldId} keeps {h.Kept} {h.Category} record(s) past retention"));
            }
            return 0;
        }));
        records.Subcommands.Add(purge);
        return records;
    }
}
