using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Vigil.Ledger.Notes;

/// <summary>
/// An Ed25519 note signer in the C2SP signed-note format. Key ID = first 4 bytes of
/// SHA-256(name || 0x0A || 0x01 || public key); the verifier key is <c>name+hex(keyid)+base64(0x01 || public key)</c>.
/// </summary>
public sealed class NoteSigner : IDisposable
{
    private const byte Ed25519Type = 0x01;
    private const string PrivatePrefix = "PRIVATE+KEY+";
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        Name = name;
        _key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = ComputeKeyId(name, PublicKey);
    }

    /// <summary>The key name, also the checkpoint origin.</summary>
    public string Name { get; }

    /// <summary>The 32-byte Ed25519 public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The key ID as defined by signed-note.</summary>
    public uint KeyId { get; }

    /// <summary>The verifier key in the note verifier-key format.</summary>
    public string VerifierKey =>
        $"{Name}+{KeyId.ToString("x8", CultureInfo.InvariantCulture)}+{Convert.ToBase64String([Ed25519Type, .. PublicKey])}";

    /// <summary>Creates a new random key.</summary>
    public static NoteSigner Create(string name)
    {
        NoteVerifier.CheckName(name);
        var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new NoteSigner(name, key);
    }

    /// <summary>Parses a signer key written by <see cref="ToSignerKey"/>: <c>PRIVATE+KEY+name+hex(keyid)+base64(0x01 || seed)</c>.</summary>
    public static NoteSigner Parse(string signerKey)
    {
        string text = signerKey.Trim();
        if (!text.StartsWith(PrivatePrefix, StringComparison.Ordinal))
        {
            throw new FormatException("The signer key does not start with PRIVATE+KEY+.");
        }

        string[] parts = SplitKey(text[PrivatePrefix.Length..]);
        if (parts.Length != 3)
        {
            throw new FormatException("The signer key must have the form PRIVATE+KEY+name+keyid+key.");
        }

        NoteVerifier.CheckName(parts[0]);
        byte[] blob = Convert.FromBase64String(parts[2]);
        if (blob.Length != 33 || blob[0] != Ed25519Type)
        {
            throw new FormatException("The signer key is not an Ed25519 key (type 0x01, 32 bytes).");
        }

        var key = Key.Import(SignatureAlgorithm.Ed25519, blob.AsSpan(1), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var signer = new NoteSigner(parts[0], key);
        if (!string.Equals(signer.KeyId.ToString("x8", CultureInfo.InvariantCulture), parts[1], StringComparison.Ordinal))
        {
            signer.Dispose();
            throw new FormatException("The signer key's key ID does not match its name and key.");
        }

        return signer;
    }

    /// <summary>
    /// Loads the signer key stored at <paramref name="path"/>, or creates one named <paramref name="name"/> there,
    /// readable by the owner only (mode 0600 on Unix).
    /// </summary>
    public static NoteSigner LoadOrCreate(string path, string name)
    {
        if (File.Exists(path))
        {
            return Parse(File.ReadAllText(path));
        }

        NoteSigner signer = Create(name);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(signer.ToSignerKey());
            writer.Write('\n');
        }

        File.Move(temp, path, overwrite: false);
        return signer;
    }

    /// <summary>The private key in the signer-key format. Keep it secret.</summary>
    public string ToSignerKey() =>
        $"{PrivatePrefix}{Name}+{KeyId.ToString("x8", CultureInfo.InvariantCulture)}+{Convert.ToBase64String([Ed25519Type, .. _key.Export(KeyBlobFormat.RawPrivateKey)])}";

    /// <summary>Signs <paramref name="text"/> (which must end with a newline) and returns the signed note.</summary>
    public string Sign(string text)
    {
        if (!text.EndsWith('\n'))
        {
            throw new ArgumentException("A note's text ends with a newline.", nameof(text));
        }

        byte[] signature = SignatureAlgorithm.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text));
        var blob = new byte[4 + signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(blob, KeyId);
        signature.CopyTo(blob, 4);
        return $"{text}\n\u2014 {Name} {Convert.ToBase64String(blob)}\n";
    }

    /// <summary>A verifier for this key.</summary>
    public NoteVerifier Verifier() => NoteVerifier.Parse(VerifierKey);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    /// <summary>Splits name+keyid+key; the key is base64 and may itself contain '+'.</summary>
    internal static string[] SplitKey(string key)
    {
        int first = key.IndexOf('+', StringComparison.Ordinal);
        int second = first < 0 ? -1 : key.IndexOf('+', first + 1);
        return second < 0 ? [key] : [key[..first], key[(first + 1)..second], key[(second + 1)..]];
    }

    internal static uint ComputeKeyId(string name, ReadOnlySpan<byte> publicKey)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = Ed25519Type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }
}

/// <summary>Verifies C2SP signed notes against one Ed25519 verifier key.</summary>
public sealed class NoteVerifier
{
    private readonly PublicKey _key;

    private NoteVerifier(string name, uint keyId, PublicKey key)
    {
        Name = name;
        KeyId = keyId;
        _key = key;
    }

    /// <summary>The key name.</summary>
    public string Name { get; }

    /// <summary>The key ID.</summary>
    public uint KeyId { get; }

    /// <summary>Parses a verifier key <c>name+hex(keyid)+base64(0x01 || public key)</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static NoteVerifier Parse(string verifierKey)
    {
        string[] parts = NoteSigner.SplitKey(verifierKey.Trim());
        if (parts.Length != 3)
        {
            throw new FormatException("A verifier key has the form name+keyid+key.");
        }

        CheckName(parts[0]);
        if (parts[1].Length != 8 || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint keyId))
        {
            throw new FormatException("The verifier key's key ID is not 8 hex digits.");
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException)
        {
            throw new FormatException("The verifier key's key is not base64.");
        }

        if (blob.Length != 33 || blob[0] != 0x01)
        {
            throw new FormatException("The verifier key is not an Ed25519 key (type 0x01, 32 bytes).");
        }

        if (NoteSigner.ComputeKeyId(parts[0], blob.AsSpan(1)) != keyId)
        {
            throw new FormatException("The verifier key's key ID does not match its name and key.");
        }

        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, blob.AsSpan(1), KeyBlobFormat.RawPublicKey, out PublicKey? key) || key is null)
        {
            throw new FormatException("The verifier key's public key is not a valid Ed25519 point.");
        }

        return new NoteVerifier(parts[0], keyId, key);
    }

    /// <summary>Checks the note carries a valid signature by this key; returns its text, or an error.</summary>
    public bool TryVerify(string note, out string text, out string? error)
    {
        text = "";
        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            error = "the note has no signature block (a blank line, then signature lines)";
            return false;
        }

        string body = note[..(split + 1)];
        string[] lines = note[(split + 2)..^1].Split('\n');
        foreach (string line in lines)
        {
            if (!line.StartsWith("\u2014 ", StringComparison.Ordinal))
            {
                error = $"signature line '{line}' does not start with an em dash and a space";
                return false;
            }

            string[] fields = line[2..].Split(' ');
            if (fields.Length != 2 || !string.Equals(fields[0], Name, StringComparison.Ordinal))
            {
                continue;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(fields[1]);
            }
            catch (FormatException)
            {
                error = $"the signature by {Name} is not base64";
                return false;
            }

            if (blob.Length != 68 || BinaryPrimitives.ReadUInt32BigEndian(blob) != KeyId)
            {
                continue;
            }

            if (!SignatureAlgorithm.Ed25519.Verify(_key, Encoding.UTF8.GetBytes(body), blob.AsSpan(4)))
            {
                error = $"the signature by {Name} does not verify";
                return false;
            }

            text = body;
            error = null;
            return true;
        }

        error = $"the note has no signature by {Name}+{KeyId:x8}";
        return false;
    }

    internal static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Any(c => c == '+' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new FormatException($"Key name '{name}' must be non-empty, without '+', spaces or control characters.");
        }
    }
}
