using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Vigil.Ledger.Notes;


namespace Vigil.Ledger;

/// <summary>
/// <c>vigil ledger …</c>: append, checkpoint, key, prove, consistency, show, export, verify. Every command opens the
/// ledger of the <c>--data</c> directory (its <c>vigil.db</c> and signing key, both created on first use).
/// </summary>
public static class LedgerCommands
{
    // Relaxed escaping keeps base64 '+' and the note's em dash readable; the output is still valid JSON.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the <c>ledger</c> command; <paramref name="dataOption"/> is the shared <c>--data DIR</c> option.</summary>
    public static Command Create(Option<DirectoryInfo> dataOption)
    {
        var ledger = new Command("ledger", "The verifiable ledger of privileged actions: checkpoints, proofs, tiles, verification.");
        ledger.Subcommands.Add(Append(dataOption));
        ledger.Subcommands.Add(CheckpointCommand(dataOption));
        ledger.Subcommands.Add(Key(dataOption));
        ledger.Subcommands.Add(Prove(dataOption));
        ledger.Subcommands.Add(Consistency(dataOption));
        ledger.Subcommands.Add(Show(dataOption));
        ledger.Subcommands.Add(Export(dataOption));
        ledger.Subcommands.Add(Verify(dataOption));
        return ledger;
    }

    /// <summary>The data folder; the shared <c>--data</c> option already falls back to <c>$VIGIL_DATA</c>, then <c>./vigil-data</c>.</summary>
    public static string DataDirectory(ParseResult result, Option<DirectoryInfo> dataOption) => result.GetValue(dataOption)!.FullName;

    // The root's recursive --json; each command reads it rather than declaring its own.
    private static Option<bool> JsonOption() => Vigil.Cli.CliContext.Json;

    private static Command Append(Option<DirectoryInfo> data)
    {
        var actor = new Option<string>("--actor") { Description = "Who acted (account id).", Required = true };
        var role = new Option<string>("--role") { Description = "The role they acted in.", Required = true };
        var action = new Option<string>("--action") { Description = "What they did, e.g. content.view.", Required = true };
        var subjectType = new Option<string>("--subject-type") { Description = "Type of what it was done to, e.g. case.", Required = true };
        var subjectId = new Option<string>("--subject-id") { Description = "Id of what it was done to.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why.", Required = true };
        var payload = new Option<string?>("--payload-sha256") { Description = "SHA-256 (64 hex digits) of the payload concerned; never the payload." };
        var json = JsonOption();
        var command = new Command("append", "Record one privileged action; prints its index once it is durable.");
        foreach (Option option in new Option[] { actor, role, action, subjectType, subjectId, reason, payload })
        {
            command.Options.Add(option);
        }

        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            byte[]? payloadHash = null;
            if (result.GetValue(payload) is { } hex)
            {
                if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
                {
                    throw new ArgumentException("--payload-sha256 must be 64 hex digits.");
                }

                payloadHash = Convert.FromHexString(hex);
            }

            var e = new LedgerEvent(result.GetValue(actor)!, result.GetValue(role)!, result.GetValue(action)!,
                new LedgerSubject(result.GetValue(subjectType)!, result.GetValue(subjectId)!), result.GetValue(reason)!, payloadHash);
            long index = await ledger.AppendAsync(e, ct);
            await output.WriteLineAsync(result.GetValue(json)
                ? JsonSerializer.Serialize(new { index }, Json)
                : index.ToString(CultureInfo.InvariantCulture));
            return 0;
        }));
        return command;
    }

    private static Command CheckpointCommand(Option<DirectoryInfo> data)
    {
        var command = new Command("checkpoint", "Print the latest signed checkpoint (C2SP signed note), exactly as served.");
        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            await output.WriteAsync(ledger.Checkpoint().Note);
            return 0;
        }));
        return command;
    }

    private static Command Key(Option<DirectoryInfo> data)
    {
        var command = new Command("key", "Print the checkpoint verifier key (note verifier-key format).");
        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            await output.WriteLineAsync(ledger.VerifierKey);
            return 0;
        }));
        return command;
    }

    private static Command Prove(Option<DirectoryInfo> data)
    {
        var index = new Option<long>("--index") { Description = "The entry's index.", Required = true };
        var size = new Option<long?>("--size") { Description = "Tree size to prove against (default: the latest checkpoint's)." };
        var json = JsonOption();
        var command = new Command("prove", "Print an inclusion proof (c2sp.org/tlog-proof, or JSON with --json).");
        command.Options.Add(index);
        command.Options.Add(size);
        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            SignedCheckpoint checkpoint = ledger.Checkpoint();
            long treeSize = result.GetValue(size) ?? checkpoint.Checkpoint.Size;
            InclusionProof proof = ledger.ProveInclusion(result.GetValue(index), treeSize);
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    leafIdx = proof.Index,
                    treeSize = proof.TreeSize,
                    root = Convert.ToBase64String(proof.Root),
                    leafHash = Convert.ToBase64String(proof.LeafHash),
                    proof = proof.Hashes.Select(Convert.ToBase64String).ToArray(),
                    checkpoint = treeSize == checkpoint.Checkpoint.Size ? checkpoint.Note : null,
                }, Json));
            }
            else
            {
                // c2sp.org/tlog-proof@v1 when the proof is against the served checkpoint; plain hashes otherwise.
                if (treeSize == checkpoint.Checkpoint.Size)
                {
                    await output.WriteLineAsync("c2sp.org/tlog-proof@v1");
                }
                else
                {
                    await output.WriteLineAsync($"tree size {treeSize}, root {Convert.ToBase64String(proof.Root)}");
                }

                await output.WriteLineAsync($"index {proof.Index}");
                foreach (byte[] hash in proof.Hashes)
                {
                    await output.WriteLineAsync(Convert.ToBase64String(hash));
                }

                if (treeSize == checkpoint.Checkpoint.Size)
                {
                    await output.WriteLineAsync();
                    await output.WriteAsync(checkpoint.Note);
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Consistency(Option<DirectoryInfo> data)
    {
        var from = new Option<long>("--from") { Description = "The older tree size.", Required = true };
        var to = new Option<long?>("--to") { Description = "The newer tree size (default: the latest checkpoint's)." };
        var json = JsonOption();
        var command = new Command("consistency", "Print a consistency proof between two tree sizes.");
        command.Options.Add(from);
        command.Options.Add(to);
        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            long toSize = result.GetValue(to) ?? ledger.Checkpoint().Checkpoint.Size;
            ConsistencyProof proof = ledger.ProveConsistency(result.GetValue(from), toSize);
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    size1 = proof.FromSize,
                    size2 = proof.ToSize,
                    root1 = Convert.ToBase64String(proof.FromRoot),
                    root2 = Convert.ToBase64String(proof.ToRoot),
                    proof = proof.Hashes.Select(Convert.ToBase64String).ToArray(),
                }, Json));
            }
            else
            {
                await output.WriteLineAsync($"size1 {proof.FromSize} root1 {Convert.ToBase64String(proof.FromRoot)}");
                await output.WriteLineAsync($"size2 {proof.ToSize} root2 {Convert.ToBase64String(proof.ToRoot)}");
                foreach (byte[] hash in proof.Hashes)
                {
                    await output.WriteLineAsync(Convert.ToBase64String(hash));
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Show(Option<DirectoryInfo> data)
    {
        var index = new Option<long>("--index") { Description = "The entry's index.", Required = true };
        var command = new Command("show", "Print one entry's canonical JSON, exactly as hashed into the tree.");
        command.Options.Add(index);
        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(ledger.ReadEntry(result.GetValue(index)).CanonicalJson));
            return 0;
        }));
        return command;
    }

    private static Command Export(Option<DirectoryInfo> data)
    {
        var to = new Option<DirectoryInfo>("--to") { Description = "Folder to write the tlog-tiles layout into (kept up to date incrementally).", Required = true };
        var json = JsonOption();
        var command = new Command("export", "Export the log as C2SP tlog-tiles (tiles, entry bundles, checkpoint) for an overseer to mirror.");
        command.Options.Add(to);
        command.SetAction((result, ct) => Run(result, data, async (ledger, output) =>
        {
            TileExportResult export = ledger.ExportTiles(result.GetValue(to)!.FullName, ct);
            await output.WriteLineAsync(result.GetValue(json)
                ? JsonSerializer.Serialize(export, Json)
                : $"Exported {export.Size} entries: {export.TilesWritten} new tiles, {export.BundlesWritten} new entry bundles; checkpoint at {export.CheckpointPath}");
            return 0;
        }));
        return command;
    }

    private static Command Verify(Option<DirectoryInfo> data)
    {
        var tiles = new Option<DirectoryInfo?>("--tiles") { Description = "Verify a tlog-tiles mirror instead of the database." };
        var since = new Option<FileInfo?>("--since") { Description = "With --tiles: an older signed checkpoint the mirror must extend." };
        var key = new Option<string?>("--key") { Description = "With --tiles: the verifier key (default: this data directory's key)." };
        var json = JsonOption();
        var command = new Command("verify", "Recompute the tree from the stored entries and check every checkpoint; or check a tile mirror only grew.");
        command.Options.Add(tiles);
        command.Options.Add(since);
        command.Options.Add(key);
        command.SetAction(async (result, ct) =>
        {
            TextWriter output = result.InvocationConfiguration.Output;
            TextWriter error = result.InvocationConfiguration.Error;
            try
            {
                LedgerVerification verification;
                DirectoryInfo? mirror = result.GetValue(tiles);
                if (mirror is not null)
                {
                    FileInfo older = result.GetValue(since) ?? throw new ArgumentException("--tiles needs --since CHECKPOINT_FILE.");
                    string? verifierKey = result.GetValue(key);
                    if (verifierKey is null)
                    {
                        using LedgerLog ledger = LedgerLog.OpenDataDirectory(DataDirectory(result, data));
                        verifierKey = ledger.VerifierKey;
                    }

                    verification = new TileMirror(mirror.FullName).VerifyGrowth(await File.ReadAllTextAsync(older.FullName, ct), NoteVerifier.Parse(verifierKey), ct);
                }
                else
                {
                    await using LedgerLog ledger = LedgerLog.OpenDataDirectory(DataDirectory(result, data));
                    verification = ledger.Verify(ct);
                }

                await Report(verification, result.GetValue(json), output);
                return verification.IsValid ? 0 : 1;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or InvalidDataException)
            {
                await error.WriteLineAsync("vigil ledger verify: " + ex.Message);
                return 2;
            }
        });
        return command;
    }

    private static async Task Report(LedgerVerification verification, bool json, TextWriter output)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                valid = verification.IsValid,
                size = verification.Size,
                entriesChecked = verification.EntriesChecked,
                checkpointsChecked = verification.CheckpointsChecked,
                firstBadIndex = verification.FirstBadIndex,
                problems = verification.Problems.Select(p => new { index = p.Index, message = p.Message }).ToArray(),
            }, Json));
            return;
        }

        if (verification.IsValid)
        {
            await output.WriteLineAsync($"OK: {verification.EntriesChecked} entries and {verification.CheckpointsChecked} checkpoints verified (tree size {verification.Size}).");
            return;
        }

        await output.WriteLineAsync($"FAILED: {verification.Problems.Count} problem(s); first bad entry: {verification.FirstBadIndex?.ToString(CultureInfo.InvariantCulture) ?? "none named"}.");
        foreach (LedgerProblem problem in verification.Problems)
        {
            await output.WriteLineAsync("  " + problem.Message);
        }
    }

    private static async Task<int> Run(ParseResult result, Option<DirectoryInfo> data, Func<LedgerLog, TextWriter, Task<int>> body)
    {
        TextWriter error = result.InvocationConfiguration.Error;
        try
        {
            await using LedgerLog ledger = LedgerLog.OpenDataDirectory(DataDirectory(result, data));
            return await body(ledger, result.InvocationConfiguration.Output);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or InvalidDataException)
        {
            await error.WriteLineAsync($"vigil {result.CommandResult.Command.Name}: {ex.Message}");
            return 2;
        }
    }
}
