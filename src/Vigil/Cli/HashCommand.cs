using System.CommandLine;
using System.Globalization;
using Vigil.Hashing.Files;
using Vigil.Hashing.Imaging;
using Vigil.Hashing.Pdq;
using Vigil.Hashing.Text;

namespace Vigil.Cli;

/// <summary><c>vigil hash FILE...</c>: PDQ (with quality), MD5 and SHA-256 of each file.</summary>
public static class HashCommand
{
    public sealed record FileHashes(string File, string? Pdq, int? Quality, string? Md5, string? Sha256, long? Bytes, string? Error,
        IReadOnlyDictionary<string, string>? Dihedral = null, string? TextExact = null, string? TextMinhash = null);

    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Files to hash", Arity = ArgumentArity.OneOrMore };
        var dihedral = new Option<bool>("--dihedral") { Description = "Also print the PDQ hashes of the eight rotations and mirrors" };
        var text = new Option<bool>("--text") { Description = "Treat the files as text: normalised exact hash and MinHash signature" };
        var cmd = new Command("hash", "Hash files: PDQ and quality for images, MD5 and SHA-256 for every file; one bad file does not stop the others") { files, dihedral, text };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var workspace = new PdqWorkspace();
            var results = new List<FileHashes>();
            foreach (var file in parse.GetValue(files)!)
            {
                ct.ThrowIfCancellationRequested();
                var r = Hash(file.FullName, workspace, parse.GetValue(dihedral), parse.GetValue(text));
                results.Add(r);
                if (!parse.GetValue(CliContext.Json))
                {
                    await WriteText(output, parse.InvocationConfiguration.Error, r);
                }
            }
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, results);
            }
            return results.Any(r => r.Md5 is null) ? 1 : 0;
        }));
        return cmd;
    }

    public static FileHashes Hash(string path, PdqWorkspace workspace, bool dihedral, bool asText)
    {
        FileDigest digest;
        try
        {
            digest = FileDigests.Compute(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new FileHashes(path, null, null, null, null, null, e.Message);
        }
        if (asText)
        {
            var content = File.ReadAllText(path);
            return new FileHashes(path, null, null, digest.Md5Hex, digest.Sha256Hex, digest.Length, null,
                TextExact: TextHasher.ExactHash(content), TextMinhash: TextHasher.MinHash(content).ToString());
        }
        try
        {
            var d = workspace.HashFileDihedral(path);
            var variants = dihedral
                ? Enum.GetValues<PdqTransform>().ToDictionary(t => t.ToString(), t => d[t].ToString())
                : null;
            return new FileHashes(path, d.Original.ToString(), d.Quality, digest.Md5Hex, digest.Sha256Hex, digest.Length, null, variants);
        }
        catch (ImageDecodeException e)
        {
            return new FileHashes(path, null, null, digest.Md5Hex, digest.Sha256Hex, digest.Length, e.Message);
        }
    }

    private static async Task WriteText(TextWriter output, TextWriter error, FileHashes r)
    {
        if (r.Md5 is null)
        {
            await error.WriteLineAsync($"error: {r.File}: {r.Error}");
            return;
        }
        await output.WriteLineAsync(r.File);
        if (r.Pdq is not null)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  pdq     {r.Pdq}  quality {r.Quality}"));
        }
        else if (r.TextExact is null)
        {
            await error.WriteLineAsync($"  no PDQ: {r.Error}");
        }
        foreach (var (name, hash) in r.Dihedral ?? new Dictionary<string, string>())
        {
            await output.WriteLineAsync($"    {name,-14} {hash}");
        }
        if (r.TextExact is not null)
        {
            await output.WriteLineAsync($"  text    {r.TextExact}");
            await output.WriteLineAsync($"  minhash {r.TextMinhash![..40]}...");
        }
        await output.WriteLineAsync($"  md5     {r.Md5}");
        await output.WriteLineAsync($"  sha256  {r.Sha256}");
    }
}
