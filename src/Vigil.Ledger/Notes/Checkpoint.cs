using System.Globalization;
using Vigil.Ledger.Merkle;

namespace Vigil.Ledger.Notes;

/// <summary>A C2SP tlog-checkpoint: origin line, tree size, base64 root hash.</summary>
public sealed record Checkpoint(string Origin, long Size, byte[] Root)
{
    /// <summary>The checkpoint's note text (three lines, each ending with a newline).</summary>
    public string ToText() => $"{Origin}\n{Size.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToBase64String(Root)}\n";

    /// <summary>Parses a checkpoint's text (extension lines after the third are allowed and ignored); throws <see cref="FormatException"/> naming the bad line.</summary>
    public static Checkpoint Parse(string text)
    {
        string[] lines = text.Split('\n');
        if (lines.Length < 4 || lines[^1].Length != 0)
        {
            throw new FormatException("A checkpoint has at least three lines, each ending with a newline.");
        }

        if (lines[0].Length == 0)
        {
            throw new FormatException("Checkpoint line 1: the origin is empty.");
        }

        if (!long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size) || size < 0)
        {
            throw new FormatException($"Checkpoint line 2: '{lines[1]}' is not a tree size.");
        }

        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            throw new FormatException("Checkpoint line 3: the root hash is not base64.");
        }

        if (root.Length != Rfc6962.HashSize)
        {
            throw new FormatException($"Checkpoint line 3: the root hash is {root.Length} bytes, want 32.");
        }

        return new Checkpoint(lines[0], size, root);
    }
}

/// <summary>A checkpoint and its signed note, exactly as served.</summary>
public sealed record SignedCheckpoint(Checkpoint Checkpoint, string Note)
{
    /// <summary>Parses a signed note holding a checkpoint, verifying its signature when a verifier is given.</summary>
    public static SignedCheckpoint Parse(string note, NoteVerifier? verifier)
    {
        string text;
        if (verifier is null)
        {
            int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
            if (split < 0)
            {
                throw new FormatException("The checkpoint note has no signature block.");
            }

            text = note[..(split + 1)];
        }
        else if (!verifier.TryVerify(note, out text, out string? error))
        {
            throw new FormatException("The checkpoint signature is not valid: " + error);
        }

        Checkpoint checkpoint = Checkpoint.Parse(text);
        if (verifier is not null && !string.Equals(checkpoint.Origin, verifier.Name, StringComparison.Ordinal))
        {
            throw new FormatException($"The checkpoint origin '{checkpoint.Origin}' is not the key name '{verifier.Name}'.");
        }

        return new SignedCheckpoint(checkpoint, note);
    }
}
