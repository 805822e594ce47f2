using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Signing;

namespace Vigil.Disclosure;

/// <summary>One task of a package with what it discloses.</summary>
public sealed record PackagedTask(OrderTask Task, TaskDisclosure Disclosure);

/// <summary>A package before it is stored: the encrypted bytes and their hashes.</summary>
public sealed record BuiltPackage(byte[] Encrypted, string Sha256, string ManifestSha256, byte[] Archive);

/// <summary>
/// Writes disclosure packages: a ZIP of one JSON file per task (schema <c>disclosure-task-v1</c>), CSV views per record
/// type, <c>manifest.json</c> with the SHA-256 of every file and <c>manifest.json.p7s</c> (detached CMS SignedData by
/// the platform key), the whole ZIP wrapped in CMS EnvelopedData (AES-256-CBC, RSA-OAEP key transport) for the
/// authority's certificate. <c>openssl cms -decrypt</c> opens it and <c>openssl cms -verify</c> checks the manifest.
/// </summary>
public static class DisclosurePackager
{
    public const string SchemaId = "https://vigil.example/schemas/disclosure-task-v1.schema.json";
    public const string ManifestName = "manifest.json";
    public const string SignatureName = "manifest.json.p7s";
    public const string Format = "vigil-disclosure-package-v1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>The JSON document of one task (what <c>tasks/task-{id}.json</c> holds).</summary>
    public static byte[] TaskDocument(LegalOrder order, Authority authority, PackagedTask t, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(t);
        var task = t.Task;
        var records = new JsonObject();
        foreach (var type in RecordTypes.For(task.Category ?? DataCategory.SubscriberData))
        {
            // As objects: each row serialises as its own type, i.e. exactly its category's field list.
            records[type] = JsonSerializer.SerializeToNode(Rows(t.Disclosure, type).Cast<object>().ToList(), Json);
        }
        var doc = new JsonObject
        {
            ["schema"] = SchemaId,
            ["generated_at"] = RowText.Time(generatedAt),
            ["order"] = new JsonObject
            {
                ["id"] = order.Id,
                ["reference"] = order.Reference,
                ["instrument"] = InstrumentRules.For(order.Instrument).Code,
                ["authority"] = authority.Code,
            },
            ["task"] = new JsonObject
            {
                ["id"] = task.Id,
                ["reference"] = task.Reference,
                ["hi1_object_id"] = task.Hi1ObjectId,
                ["category"] = task.Category?.ToString(),
                ["start_time"] = task.StartTime is { } s ? RowText.Time(s) : null,
                ["end_time"] = task.EndTime is { } e ? RowText.Time(e) : null,
                ["selectors"] = new JsonArray([.. task.Selectors.OrderBy(x => x.Id).Select(x => (JsonNode)new JsonObject
                {
                    ["kind"] = x.Kind.ToString(),
                    ["value"] = x.Value,
                    ["port"] = x.Port,
                })]),
            },
            ["records"] = records,
        };
        return Encoding.UTF8.GetBytes(doc.ToJsonString(Json));
    }

    /// <summary>The rows of one record type (an empty list for types the task's category does not carry).</summary>
    public static IReadOnlyList<IDisclosureRow> Rows(TaskDisclosure d, string type)
    {
        ArgumentNullException.ThrowIfNull(d);
        return type switch
        {
            RecordTypes.Subscribers => d.Subscribers,
            RecordTypes.UserIdentities => d.UserIdentities,
            RecordTypes.AccessLogs => d.AccessLogs,
            RecordTypes.Messages => d.Messages,
            RecordTypes.StoredContent => d.StoredContent,
            RecordTypes.MediaHashes => d.MediaHashes,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown record type"),
        };
    }

    /// <summary>The field names of a record type, in JSON and CSV order.</summary>
    public static IReadOnlyList<string> Fields(string type) => type switch
    {
        RecordTypes.Subscribers => SubscriberRow.Fields,
        RecordTypes.UserIdentities => UserIdentityRow.Fields,
        RecordTypes.AccessLogs => AccessLogRow.Fields,
        RecordTypes.Messages => MessageRow.Fields,
        RecordTypes.StoredContent => StoredContentRow.Fields,
        RecordTypes.MediaHashes => MediaHashRow.Fields,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown record type"),
    };

    /// <summary>Builds the archive, signs its manifest and encrypts it for <paramref name="recipient"/>.</summary>
    public static BuiltPackage Build(LegalOrder order, Authority authority, IReadOnlyList<PackagedTask> tasks, PlatformSigning signing, X509Certificate2 recipient, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(recipient);
        var files = new List<(string Path, byte[] Content)>();
        foreach (var t in tasks.OrderBy(t => t.Task.Id))
        {
            files.Add(($"tasks/task-{t.Task.Id}.json", TaskDocument(order, authority, t, now)));
        }
        foreach (var type in new[] { RecordTypes.Subscribers, RecordTypes.UserIdentities, RecordTypes.AccessLogs, RecordTypes.Messages, RecordTypes.StoredContent, RecordTypes.MediaHashes })
        {
            var carrying = tasks.Where(t => t.Task.Category is { } c && RecordTypes.For(c).Contains(type)).OrderBy(t => t.Task.Id).ToList();
            if (carrying.Count > 0)
            {
                files.Add(($"csv/{type}.csv", Csv(type, carrying)));
            }
        }
        var manifest = new JsonObject
        {
            ["format"] = Format,
            ["created_at"] = RowText.Time(now),
            ["order_id"] = order.Id,
            ["order_reference"] = order.Reference,
            ["authority"] = authority.Code,
            ["task_ids"] = new JsonArray([.. tasks.Select(t => (JsonNode)t.Task.Id)]),
            ["files"] = new JsonArray([.. files.Select(f => (JsonNode)new JsonObject
            {
                ["path"] = f.Path,
                ["sha256"] = Hex(SHA256.HashData(f.Content)),
                ["size"] = f.Content.Length,
            })]),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString(Json));
        files.Add((ManifestName, manifestBytes));
        files.Add((SignatureName, signing.SignCms(manifestBytes, detached: true, now)));

        var archive = Zip(files, now);
        var encrypted = Encrypt(archive, recipient);
        return new BuiltPackage(encrypted, Hex(SHA256.HashData(encrypted)), Hex(SHA256.HashData(manifestBytes)), archive);
    }

    /// <summary>CMS EnvelopedData, AES-256-CBC content encryption, RSA-OAEP (SHA-256) key transport to <paramref name="recipient"/>.</summary>
    public static byte[] Encrypt(byte[] content, X509Certificate2 recipient) => CmsEnvelope.Encrypt(content, recipient);

    /// <summary>Reads an authority's encryption certificate; null with a reason when it cannot receive packages.</summary>
    public static X509Certificate2? RecipientCertificate(Authority authority, DateTimeOffset now, out string? error)
    {
        ArgumentNullException.ThrowIfNull(authority);
        error = null;
        if (string.IsNullOrWhiteSpace(authority.EncryptionCertificatePem))
        {
            error = "the authority has no encryption certificate";
            return null;
        }
        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPem(authority.EncryptionCertificatePem);
        }
        catch (CryptographicException)
        {
            error = "the authority's encryption certificate is not a PEM certificate";
            return null;
        }
        using var rsa = cert.GetRSAPublicKey();
        if (rsa is null || rsa.KeySize < 2048)
        {
            cert.Dispose();
            error = "the authority's encryption certificate needs an RSA key of at least 2048 bits";
            return null;
        }
        if (now < cert.NotBefore.ToUniversalTime() || now >= cert.NotAfter.ToUniversalTime())
        {
            cert.Dispose();
            error = "the authority's encryption certificate is not valid now";
            return null;
        }
        return cert;
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Csv(string type, IReadOnlyList<PackagedTask> tasks)
    {
        var sb = new StringBuilder();
        sb.Append("task_id,").AppendJoin(',', Fields(type)).Append("\r\n");
        foreach (var t in tasks)
        {
            foreach (var row in Rows(t.Disclosure, type))
            {
                sb.Append(t.Task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                foreach (var v in row.CsvValues())
                {
                    sb.Append(',').Append(CsvField(v));
                }
                sb.Append("\r\n");
            }
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    // RFC 4180: quote fields holding a comma, quote or line break; double the quotes. Values are never altered
    // otherwise (the CSV is a view of evidence; the JSON files are authoritative).
    private static string CsvField(string? v) =>
        v is null ? "" : v.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;

    private static byte[] Zip(IReadOnlyList<(string Path, byte[] Content)> files, DateTimeOffset now)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            // ZIP times cannot go before 1980; the package's creation time is the files' time.
            var stamp = now.Year >= 1980 ? now : new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            foreach (var (path, content) in files)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                entry.LastWriteTime = stamp;
                using var s = entry.Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }
}
