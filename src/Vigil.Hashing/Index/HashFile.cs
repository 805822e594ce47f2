namespace Vigil.Hashing.Index;

/// <summary>Reads and writes lists of 256-bit hashes: hex text (one per line) or raw 32-byte records.</summary>
public static class HashFile
{
    /// <summary>Size of one raw record: the 32 bytes in the order of the hex text.</summary>
    public const int RecordSize = 32;

    /// <summary>
    /// Reads one hash per line: the first whitespace-separated field is 64 hex digits, later fields are
    /// ignored; blank lines and lines starting with '#' are skipped.
    /// </summary>
    /// <exception cref="FormatException">A line is not a hash; the message gives the line number and why.</exception>
    public static List<Hash256> ReadHex(TextReader reader, string sourceName = "input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var hashes = new List<Hash256>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }
            var end = text.IndexOfAny(' ', '\t');
            var field = end < 0 ? text : text[..end];
            if (!Hash256.TryParse(field, out var hash, out var error))
            {
                throw new FormatException($"{sourceName}:{lineNumber}: field 1 (hash): {error}");
            }
            hashes.Add(hash);
        }
        return hashes;
    }

    /// <summary>Reads a hex hash list file (see <see cref="ReadHex(TextReader, string)"/>).</summary>
    public static List<Hash256> ReadHex(string path)
    {
        using var reader = new StreamReader(path);
        return ReadHex(reader, path);
    }

    /// <summary>Writes raw 32-byte records, the layout numpy reads as uint8 rows of 32.</summary>
    public static void WriteRaw(Stream stream, ReadOnlySpan<Hash256> hashes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[RecordSize * 4096];
        for (var i = 0; i < hashes.Length; i += 4096)
        {
            var n = Math.Min(4096, hashes.Length - i);
            for (var j = 0; j < n; j++)
            {
                hashes[i + j].WriteBytes(buffer.AsSpan(j * RecordSize, RecordSize));
            }
            stream.Write(buffer, 0, n * RecordSize);
        }
    }

    /// <summary>Writes raw 32-byte records to a file.</summary>
    public static void WriteRaw(string path, ReadOnlySpan<Hash256> hashes)
    {
        using var stream = File.Create(path);
        WriteRaw(stream, hashes);
    }

    /// <summary>Reads raw 32-byte records.</summary>
    /// <exception cref="InvalidDataException">The length is not a multiple of 32 bytes.</exception>
    public static Hash256[] ReadRaw(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length % RecordSize != 0)
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of {RecordSize}-byte hash records");
        }
        var hashes = new Hash256[bytes.Length / RecordSize];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = Hash256.FromBytes(bytes.AsSpan(i * RecordSize, RecordSize));
        }
        return hashes;
    }
}
