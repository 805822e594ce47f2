using System.CommandLine;
using System.Globalization;
using Vigil.Banks;
using Vigil.Banks.Exchanges;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Text;
using Vigil.Semantic;

namespace Vigil.Cli;

/// <summary><c>vigil bank add BANK FILE... [--text TEXT]...</c>: hash media (or text) files and texts into a bank, with labels.</summary>
public static class BankAddCommand
{
    private static readonly string[] TextExtensions = [".txt", ".md", ".text"];

    public static Command Create(TimeProvider time)
    {
        var bank = new Argument<string>("bank") { Description = "Bank name" };
        var files = new Argument<FileInfo[]>("files") { Description = "Media files (or text files: .txt, .md) to hash into the bank", Arity = ArgumentArity.ZeroOrMore };
        var texts = new Option<string[]>("--text") { Description = "A text to add (may repeat): its normalised hash, MinHash signature and sentence embedding", AllowMultipleArgumentsPerToken = false };
        var entity = new Option<string?>("--entity") { Description = "Terrorist entity the content is attributed to" };
        var ideology = new Option<string?>("--ideology") { Description = "Ideology label" };
        var contentType = new Option<string?>("--content-type") { Description = "Content type label (image, video, text...)" };
        var severity = new Option<int?>("--severity") { Description = "Severity 1 (low) to 5 (highest)" };
        var source = new Option<string?>("--source") { Description = "Where the content came from", DefaultValueFactory = _ => "local" };
        var cmd = new Command("add", "Hash media files into a bank: PDQ (images of quality >= the bank's minimum), MD5 and SHA-256; text files and --text add a normalised hash, a MinHash signature and a sentence embedding (docs/semantic.md)")
        {
            bank, files, texts, entity, ideology, contentType, severity, source,
        };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            if (parse.GetValue(severity) is { } s && s is < 1 or > 5)
            {
                throw new CliException("--severity must be 1 to 5");
            }
            var givenTexts = parse.GetValue(texts) ?? [];
            if (parse.GetValue(files)!.Length == 0 && givenTexts.Length == 0)
            {
                throw new CliException("give files to hash or --text TEXT");
            }
            if (Array.FindIndex(givenTexts, t => TextNormalizer.Normalize(t).Length == 0) is var empty and >= 0)
            {
                throw new CliException($"--text #{empty + 1} has no words to match on");
            }
            await using var db = await CliContext.Store(parse).OpenAsync(ct);
            var target = await BankOperations.GetAsync(db, parse.GetValue(bank)!, ct);
            var workspace = new PdqWorkspace();
            var records = new List<ExchangeRecord>();
            var failed = 0;
            // Texts to embed, with the record line and labels their embedding entry gets: embedded in one batch.
            var toEmbed = new List<(int Line, string Text, ExchangeLabels Labels, string? SourceRef)>();
            foreach (var file in parse.GetValue(files)!)
            {
                var asText = TextExtensions.Contains(file.Extension.ToLowerInvariant());
                var h = HashCommand.Hash(file.FullName, workspace, dihedral: false, asText);
                if (h.Md5 is null)
                {
                    failed++;
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {file.FullName}: {h.Error}");
                    continue;
                }
                var labels = new ExchangeLabels
                {
                    Entity = parse.GetValue(entity),
                    Ideology = parse.GetValue(ideology),
                    ContentType = parse.GetValue(contentType) ?? (asText ? "text" : h.Pdq is not null ? "image" : null),
                    Severity = parse.GetValue(severity),
                    Source = parse.GetValue(source),
                };
                var line = records.Count + 1;
                if (h.Pdq is not null && h.Quality >= target.PdqMinQuality)
                {
                    records.Add(new ExchangeRecord(line, SignalType.Pdq, h.Pdq, labels, SourceRef: file.Name));
                }
                else if (h.Pdq is not null)
                {
                    await output.WriteLineAsync($"{file.Name}: PDQ quality {h.Quality} is below {target.PdqMinQuality}; only its file hashes are added");
                }
                if (h.TextExact is not null)
                {
                    records.Add(new ExchangeRecord(line, SignalType.TextExact, h.TextExact, labels, SourceRef: file.Name));
                    records.Add(new ExchangeRecord(line, SignalType.TextMinHash, h.TextMinhash!, labels, SourceRef: file.Name));
                    toEmbed.Add((line, await File.ReadAllTextAsync(file.FullName, ct), labels, file.Name));
                }
                records.Add(new ExchangeRecord(line, SignalType.Md5, h.Md5, labels, SourceRef: file.Name));
                records.Add(new ExchangeRecord(line, SignalType.Sha256, h.Sha256!, labels, SourceRef: file.Name));
            }
            var t = 0;
            foreach (var text in givenTexts)
            {
                var labels = new ExchangeLabels
                {
                    Entity = parse.GetValue(entity),
                    Ideology = parse.GetValue(ideology),
                    ContentType = parse.GetValue(contentType) ?? "text",
                    Severity = parse.GetValue(severity),
                    Source = parse.GetValue(source),
                };
                var line = records.Count + 1;
                var reference = string.Create(CultureInfo.InvariantCulture, $"text #{++t}");
                records.Add(new ExchangeRecord(line, SignalType.TextExact, TextHasher.ExactHash(text), labels, SourceRef: reference));
                records.Add(new ExchangeRecord(line, SignalType.TextMinHash, TextHasher.MinHash(text).ToString(), labels, SourceRef: reference));
                toEmbed.Add((line, text, labels, reference));
            }
            if (toEmbed.Count > 0)
            {
                var vectors = SemanticModel.Shared.Embed(toEmbed.Select(e => e.Text).ToList(), ct);
                for (var i = 0; i < vectors.Length; i++)
                {
                    // A text with no words has a zero vector that could match nothing: skip it.
                    if (vectors[i].Any(x => x != 0))
                    {
                        records.Add(new ExchangeRecord(toEmbed[i].Line, SignalType.TextEmbedding, EmbeddingSignal.Encode(vectors[i]), toEmbed[i].Labels, SourceRef: toEmbed[i].SourceRef));
                    }
                }
            }
            // Two identical files give the same hashes: keep the first, as an import would refuse duplicates.
            var unique = records.DistinctBy(r => (r.Type, r.Signal)).ToList();
            var result = await BankOperations.ImportAsync(db, target.Name, "files", parse.GetValue(source) ?? "local", new ExchangeBatch(ExchangeFormat.Signals, unique), time, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, new { result.Bank, result.Added, result.Updated, result.Unchanged, Failed = failed });
            }
            else
            {
                await output.WriteLineAsync($"bank '{result.Bank}': {result.Added} signals added, {result.Updated} updated, {result.Unchanged} already there; {failed} files failed");
            }
            return failed > 0 ? 1 : 0;
        }));
        return cmd;
    }
}
