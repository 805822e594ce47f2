using System.CommandLine;
using System.Globalization;
using Vigil.Hashing.Pdq;
using Vigil.Matching;

namespace Vigil.Cli;

/// <summary><c>vigil match FILE|HASH...</c>: what each input matches in the enabled banks.</summary>
public static class MatchCommand
{
    public static Command Create(TimeProvider time)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Files or signals (pdq:HEX, md5:HEX, sha256:HEX, text_embedding:emb1:..., bare hex); '-' or none reads them from standard input, one a line", Arity = ArgumentArity.ZeroOrMore };
        var text = new Option<string[]>("--text") { Description = "A text to match against text banks: exact, near-duplicate (MinHash) and by meaning (text_embedding entries) (may repeat)", AllowMultipleArgumentsPerToken = false };
        var noDihedral = new Option<bool>("--no-dihedral") { Description = "Match images only as they are, not rotated or mirrored" };
        var cmd = new Command("match", "Match files, hashes or texts against the banks; prints each matching entry with its bank, labels and distance") { inputs, text, noDihedral };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            using var matcher = await BankMatcher.LoadAsync(db, null, ct);
            var workspace = new PdqWorkspace();
            var outcomes = new List<MatchOutcome>();
            var errors = 0;
            var all = parse.GetValue(inputs)!.ToList();
            if (all.Count == 0 && parse.GetValue(text)!.Length == 0 || all.Remove("-"))
            {
                string? line;
                while ((line = await Console.In.ReadLineAsync(ct)) is not null)
                {
                    if (line.Trim().Length > 0)
                    {
                        all.Add(line.Trim());
                    }
                }
            }
            var probes = new List<MatchProbe>();
            foreach (var input in all)
            {
                if (File.Exists(input))
                {
                    probes.Add(MatchProbe.FromFile(input, workspace, dihedral: !parse.GetValue(noDihedral)));
                }
                else if (MatchProbe.TryParseSignal(input, out var probe, out var error))
                {
                    probes.Add(probe!);
                }
                else
                {
                    errors++;
                    await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + error);
                }
            }
            var t = 0;
            probes.AddRange(parse.GetValue(text)!.Select(s => MatchProbe.FromText($"text #{++t}", s)));
            foreach (var probe in probes)
            {
                var outcome = matcher.Match(probe);
                outcomes.Add(outcome);
                if (!parse.GetValue(CliContext.Json))
                {
                    await Print(output, outcome);
                }
            }
            await BankMatcher.PersistQuarantinesAsync(db, outcomes.SelectMany(o => o.Quarantined), time, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, outcomes.Select(ToJson));
            }
            return errors > 0 ? 1 : 0;
        }));
        return cmd;
    }

    public static object ToJson(MatchOutcome o) => new
    {
        o.Input,
        o.Matched,
        Matches = o.Hits.Select(h => new
        {
            h.Entry.Bank,
            BankKind = h.Entry.Kind,
            EntryId = h.Entry.Id,
            SignalType = Banks.SignalTypeNames.Name(h.Entry.Type),
            h.Entry.Signal,
            h.Via,
            h.Distance,
            h.Similarity,
            Labels = new { h.Entry.Entity, h.Entry.Ideology, h.Entry.ContentType, h.Entry.Severity, h.Entry.Source },
            h.VetoedBy,
        }),
        o.Notes,
    };

    public static async Task Print(TextWriter output, MatchOutcome o)
    {
        await output.WriteLineAsync($"{o.Input}: {(o.Matched ? "MATCH" : o.Hits.Count > 0 ? "vetoed" : "no match")}");
        foreach (var h in o.Hits)
        {
            var how = h.Distance is { } d ? string.Create(CultureInfo.InvariantCulture, $"distance {d}")
                : h.Similarity is { } s ? string.Create(CultureInfo.InvariantCulture, $"similarity {s:0.###}") : "exact";
            var labels = string.Join(' ', new[] { ("entity", h.Entry.Entity), ("ideology", h.Entry.Ideology), ("type", h.Entry.ContentType), ("severity", h.Entry.Severity?.ToString(CultureInfo.InvariantCulture)) }
                .Where(l => l.Item2 is not null).Select(l => $"{l.Item1}={l.Item2}"));
            await output.WriteLineAsync($"  {h.Entry.Bank} [{h.Entry.Kind.ToString().ToLowerInvariant()}] entry {h.Entry.Id} via {h.Via}, {how}  {labels}{(h.Vetoed ? "  (vetoed by " + h.VetoedBy + ")" : "")}");
        }
        foreach (var n in o.Notes)
        {
            await output.WriteLineAsync("  note: " + n);
        }
    }
}
