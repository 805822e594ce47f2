using System.CommandLine;
using System.Globalization;
using Vigil.Banks;
using Vigil.Banks.Exchanges;

namespace Vigil.Cli;

/// <summary><c>vigil bank ...</c>: create, fill, import, export and inspect hash banks.</summary>
public static class BankCommands
{
    private static readonly Argument<string> BankName = new("bank") { Description = "Bank name" };

    public static Command Create(TimeProvider time)
    {
        var bank = new Command("bank", "Manage hash banks: named lists of hashes with labels");
        bank.Subcommands.Add(CreateCommand(time));
        bank.Subcommands.Add(ListCommand());
        bank.Subcommands.Add(ShowCommand());
        bank.Subcommands.Add(BankAddCommand.Create(time));
        bank.Subcommands.Add(ImportCommand(time));
        bank.Subcommands.Add(ExportCommand());
        bank.Subcommands.Add(EnableCommand("disable", enabled: false, time));
        bank.Subcommands.Add(EnableCommand("enable", enabled: true, time));
        bank.Subcommands.Add(ConfigCommand());
        return bank;
    }

    private static Command CreateCommand(TimeProvider time)
    {
        var negative = new Option<bool>("--negative") { Description = "A bank of known false positives: its matches veto other banks' matches" };
        var description = new Option<string?>("--description") { Description = "What the bank holds and where it comes from" };
        var distance = new Option<int?>("--pdq-distance") { Description = "Largest PDQ Hamming distance that matches (default 31)" };
        var cmd = new Command("create", "Create an empty bank") { BankName, negative, description, distance };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var created = await BankOperations.CreateAsync(db, parse.GetValue(BankName)!, parse.GetValue(negative) ? BankKind.Negative : BankKind.Positive,
                parse.GetValue(description), parse.GetValue(distance), time, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, new { created.Name, created.Kind, created.PdqMaxDistance });
            }
            else
            {
                await output.WriteLineAsync($"created {created.Kind.ToString().ToLowerInvariant()} bank '{created.Name}' (PDQ distance <= {created.PdqMaxDistance})");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ListCommand()
    {
        var cmd = new Command("list", "List banks with their entry counts");
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var banks = await BankOperations.ListAsync(db, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, banks);
                return 0;
            }
            if (banks.Count == 0)
            {
                await output.WriteLineAsync("no banks (create one with `vigil bank create NAME`)");
            }
            foreach (var b in banks)
            {
                var counts = b.EntriesByType.Count == 0 ? "empty" : string.Join(", ", b.EntriesByType.Select(kv => $"{kv.Value} {kv.Key}"));
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{b.Name,-24} {b.Kind.ToString().ToLowerInvariant(),-8} {(b.Enabled ? "enabled" : "disabled"),-8} pdq<={b.PdqMaxDistance,-3} {b.ActiveEntries} active; {counts}"));
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ShowCommand()
    {
        var limit = new Option<int>("--limit") { Description = "Most entries to print", DefaultValueFactory = _ => 50 };
        var cmd = new Command("show", "Show a bank's settings and entries") { BankName, limit };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var bank = await BankOperations.GetAsync(db, parse.GetValue(BankName)!, ct);
            var entries = (await BankOperations.ExportAsync(db, bank.Name, includeDisabled: true, ct)).Take(parse.GetValue(limit)).ToList();
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, new
                {
                    bank.Name, bank.Kind, bank.Enabled, bank.Description, bank.PdqMaxDistance, bank.PdqMinQuality, bank.TextMinSimilarity,
                    Entries = entries.Select(e => new { Type = e.Type.Name(), e.Signal, e.Labels, e.SourceRef }),
                });
                return 0;
            }
            await output.WriteLineAsync($"bank {bank.Name}: {bank.Kind.ToString().ToLowerInvariant()}, {(bank.Enabled ? "enabled" : "disabled")}, PDQ distance <= {bank.PdqMaxDistance}, quality >= {bank.PdqMinQuality}, text similarity >= {bank.TextMinSimilarity.ToString(CultureInfo.InvariantCulture)}");
            if (bank.Description is not null)
            {
                await output.WriteLineAsync("  " + bank.Description);
            }
            foreach (var e in entries)
            {
                await output.WriteLineAsync($"  {e.Type.Name(),-12} {e.Signal}  {Labels(e.Labels)}{(e.Labels.Enabled ? "" : "  [disabled]")}");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ImportCommand(TimeProvider time)
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Files to import, in order (e.g. GIFCT pages)", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string?>("--format") { Description = "signals | tat | gifct | csv (default: from the file name)" };
        var source = new Option<string?>("--source") { Description = "Name of the source, for its incremental checkpoint (default: the format)" };
        var cmd = new Command("import", "Import hash-list files into a bank; a bad line rejects its file and nothing of it is imported") { BankName, files, format, source };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            ExchangeFormat? forced = null;
            if (parse.GetValue(format) is { } f)
            {
                forced = ExchangeFormats.TryParseFormat(f, out var parsed) ? parsed : throw new CliException($"unknown format '{f}' (signals, tat, gifct, csv)");
            }
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var results = new List<ImportResult>();
            foreach (var file in parse.GetValue(files)!)
            {
                var content = await ReadLimitedAsync(file, ct);
                var fmt = forced ?? ExchangeFormats.Detect(file.Name, content);
                var batch = ExchangeFormats.Parse(fmt, file.Name, content);
                var result = await BankOperations.ImportAsync(db, parse.GetValue(BankName)!, file.Name, parse.GetValue(source) ?? fmt.ToString().ToLowerInvariant(), batch, time, ct);
                results.Add(result);
                if (!parse.GetValue(CliContext.Json))
                {
                    await output.WriteLineAsync($"{file.Name}: {result.Format.ToString().ToLowerInvariant()}, {result.Added} added, {result.Updated} updated, {result.Removed} removed, {result.Unchanged} unchanged"
                        + (result.HasMore ? $"; more records at page token {result.NextCursor}" : ""));
                }
            }
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, results);
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ExportCommand()
    {
        var format = new Option<string>("--format") { Description = "signals | tat | gifct | csv", DefaultValueFactory = _ => "signals" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "File to write (default: standard output)" };
        var all = new Option<bool>("--all") { Description = "Include disabled and quarantined entries" };
        var cmd = new Command("export", "Export a bank in a format peers use") { BankName, format, output, all };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async stdout =>
        {
            if (!ExchangeFormats.TryParseFormat(parse.GetValue(format), out var fmt))
            {
                throw new CliException($"unknown format '{parse.GetValue(format)}' (signals, tat, gifct, csv)");
            }
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var records = await BankOperations.ExportAsync(db, parse.GetValue(BankName)!, parse.GetValue(all), ct);
            if (parse.GetValue(output) is { } file)
            {
                // Write beside the target and move into place, so a failed export leaves no half file.
                var tmp = file.FullName + ".tmp";
                await using (var fs = File.Create(tmp))
                {
                    ExchangeFormats.Write(fmt.Value, fs, records);
                }
                File.Move(tmp, file.FullName, overwrite: true);
                await stdout.WriteLineAsync($"wrote {records.Count} entries to {file.FullName}");
            }
            else
            {
                using var ms = new MemoryStream();
                ExchangeFormats.Write(fmt.Value, ms, records);
                await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
            }
            return 0;
        }));
        return cmd;
    }

    private static Command EnableCommand(string name, bool enabled, TimeProvider time)
    {
        var entry = new Option<string?>("--entry") { Description = "One entry (its id or signal) instead of the whole bank" };
        var cmd = new Command(name, enabled ? "Enable a bank, or one entry (this also releases a quarantined entry)" : "Disable a bank, or one entry, without deleting it") { BankName, entry };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var bankName = parse.GetValue(BankName)!;
            if (parse.GetValue(entry) is { } e)
            {
                var changed = await BankOperations.SetEntryEnabledAsync(db, bankName, e, enabled, time, ct);
                await output.WriteLineAsync($"{name}d entry {changed.Id} ({changed.SignalType.Name()} {changed.Signal}) in bank '{bankName}'");
            }
            else
            {
                await BankOperations.ConfigureAsync(db, bankName, enabled, null, null, ct);
                await output.WriteLineAsync($"{name}d bank '{bankName}'");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command ConfigCommand()
    {
        var distance = new Option<int?>("--pdq-distance") { Description = "Largest PDQ Hamming distance that matches" };
        var similarity = new Option<double?>("--text-similarity") { Description = "Smallest estimated Jaccard similarity for a near-duplicate text" };
        var cmd = new Command("config", "Change a bank's match settings") { BankName, distance, similarity };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var b = await BankOperations.ConfigureAsync(db, parse.GetValue(BankName)!, null, parse.GetValue(distance), parse.GetValue(similarity), ct);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"bank '{b.Name}': PDQ distance <= {b.PdqMaxDistance}, text similarity >= {b.TextMinSimilarity}"));
            return 0;
        }));
        return cmd;
    }

    internal static string Labels(ExchangeLabels l)
    {
        var parts = new List<string>();
        void Add(string k, object? v)
        {
            if (v is not null)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{k}={v}"));
            }
        }
        Add("entity", l.Entity);
        Add("ideology", l.Ideology);
        Add("type", l.ContentType);
        Add("severity", l.Severity);
        Add("source", l.Source);
        return string.Join(' ', parts);
    }

    private static async Task<byte[]> ReadLimitedAsync(FileInfo file, CancellationToken ct)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"{file.FullName}: no such file");
        }
        if (file.Length > ExchangeFormats.MaxFileBytes)
        {
            throw new ExchangeFormatException(file.Name, 0, null, $"file is {file.Length} bytes, over the {ExchangeFormats.MaxFileBytes}-byte limit");
        }
        return await File.ReadAllBytesAsync(file.FullName, ct);
    }
}
