using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Time.Testing;
using Vigil.Authorities;
using Vigil.Disclosure;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Platforms;
using Vigil.Records;
using Vigil.Signing;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Disclosure;

/// <summary>An authority's RSA-3072 encryption key and self-signed certificate, written as PEM files for openssl.</summary>
internal sealed record AuthorityKeyFiles(string CertificatePem, string CertificatePath, string KeyPath)
{
    public static AuthorityKeyFiles Create(string folder, string name, DateTimeOffset now)
    {
        Directory.CreateDirectory(folder);
        using var rsa = RSA.Create(3072);
        var req = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature, false));
        using var cert = req.CreateSelfSigned(now.AddDays(-1), now.AddYears(3));
        var pem = cert.ExportCertificatePem();
        var certPath = Path.Combine(folder, name + ".cert.pem");
        var keyPath = Path.Combine(folder, name + ".key.pem");
        File.WriteAllText(certPath, pem);
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return new AuthorityKeyFiles(pem, certPath, keyPath);
    }
}

/// <summary>A store with a platform, an authority, fixed records and helpers to build orders and open packages.</summary>
internal sealed class DisclosureKit : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset From = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset To = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private DisclosureKit(TestStore store, FakeTimeProvider time, LedgerLog ledger, PlatformSigning signing, long platformId, Authority authority, AuthorityKeyFiles keys)
    {
        Store = store;
        Time = time;
        Ledger = ledger;
        Signing = signing;
        PlatformId = platformId;
        Authority = authority;
        Keys = keys;
    }

    public TestStore Store { get; }
    public FakeTimeProvider Time { get; }
    public LedgerLog Ledger { get; }
    public PlatformSigning Signing { get; }
    public long PlatformId { get; }
    public Authority Authority { get; }
    public AuthorityKeyFiles Keys { get; }
    public DisclosureOptions Options { get; } = new();
    public string Folder => Store.Store.DataDirectory.FullName;

    public static async Task<DisclosureKit> CreateAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        var time = new FakeTimeProvider(Start);
        var keys = AuthorityKeyFiles.Create(Path.Combine(store.Store.DataDirectory.FullName, "authority"), "gb-police", Start);
        await using var db = await store.Store.OpenAsync(default);
        var platform = new Platform { Name = "chirp", CreatedAt = Start };
        db.Platforms.Add(platform);
        var authority = await AddAuthorityAsync(db, "GB-EXAMPLE-POLICE", keys.CertificatePem);
        await db.SaveChangesAsync();
        var ledger = LedgerLog.OpenDataDirectory(store.Store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        var signing = PlatformSigning.LoadOrCreate(store.Store.DataDirectory, time);
        return new DisclosureKit(store, time, ledger, signing, platform.Id, authority, keys);
    }

    public static async Task<Authority> AddAuthorityAsync(VigilDb db, string code, string? certificatePem)
    {
        var a = new Authority
        {
            Code = code,
            CountryCode = "GB",
            Name = code + " (test)",
            Kind = AuthorityKind.Police,
            Instruments = [.. Enum.GetValues<LegalInstrument>()],
            EncryptionCertificatePem = certificatePem,
            CreatedAt = Start,
            UpdatedAt = Start,
        };
        db.Authorities.Add(a);
        await db.SaveChangesAsync();
        return a;
    }

    public VigilDb Db() => Store.Store.CreateContext();

    public DisclosureService Service(VigilDb db) => new(db, Ledger, Time, Signing, Options);

    /// <summary>The fixed records: alice (a1) is the target, carol (c1) shares her address on another port, bob (b1) is a US person.</summary>
    public async Task SeedAsync()
    {
        await using var db = Db();
        var p = PlatformId;
        // Through the records store, as the records API keeps them (event records land in their month tables on SQLite).
        ParsedRecord R(RecordCategory c, object e) => new(c, "seed", e);
        static MessageMetadataRecord M(long p, string id, string sender, string[] recipients, DateTimeOffset at, bool e2ee = false) =>
            new() { PlatformId = p, MessageId = id, SenderAccountId = sender, RecipientAccountIds = [.. recipients], At = at, SizeBytes = 100, E2ee = e2ee, RecordedAt = Start };
        await RecordStore.StoreAsync(db,
        [
            R(RecordCategory.Subscriber, new SubscriberRecord { PlatformId = p, AccountId = "a1", Username = "alice", NamesGiven = "Alice Example", Email = "alice@example.com", Phone = "+447700900123", AccountCreatedAt = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), Country = "GB", RecordedAt = Start }),
            R(RecordCategory.Subscriber, new SubscriberRecord { PlatformId = p, AccountId = "b1", Username = "bob", Email = "bob@example.com", AccountCreatedAt = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), Country = "US", UsPerson = true, RecordedAt = Start }),
            R(RecordCategory.Subscriber, new SubscriberRecord { PlatformId = p, AccountId = "c1", Username = "carol", Email = "carol@example.com", AccountCreatedAt = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), Country = "FR", RecordedAt = Start }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "a1", At = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), IpAddress = "198.51.100.7", SourcePort = 40000, DeviceId = "dev-a", RecordedAt = Start }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "a1", At = new(2026, 2, 1, 10, 0, 0, TimeSpan.Zero), IpAddress = "203.0.113.5", DeviceId = "dev-a", RecordedAt = Start }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "a1", At = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero), IpAddress = "198.51.100.7", SourcePort = 40000, RecordedAt = Start }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "c1", At = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero), IpAddress = "198.51.100.7", SourcePort = 40001, DeviceId = "dev-c", RecordedAt = Start }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "b1", At = new(2026, 4, 1, 10, 0, 0, TimeSpan.Zero), IpAddress = "198.51.100.9", RecordedAt = Start }),
            R(RecordCategory.MessageMetadata, M(p, "m1", "a1", ["c1"], new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero))),
            R(RecordCategory.MessageMetadata, M(p, "m2", "c1", ["b1"], new(2026, 3, 3, 0, 0, 0, TimeSpan.Zero))),
            R(RecordCategory.MessageMetadata, M(p, "m3", "c1", ["a1", "b1"], new(2026, 3, 4, 0, 0, 0, TimeSpan.Zero), e2ee: true)),
            R(RecordCategory.StoredContent, new StoredContentRecord { PlatformId = p, ItemId = "post-a", AccountId = "a1", At = new(2026, 3, 5, 0, 0, 0, TimeSpan.Zero), ContentType = "text/plain", Text = "hello, \"world\"", RecordedAt = Start }),
            R(RecordCategory.StoredContent, new StoredContentRecord { PlatformId = p, ItemId = "post-c", AccountId = "c1", At = new(2026, 3, 5, 0, 0, 0, TimeSpan.Zero), ContentType = "text/plain", Text = "carol's post", RecordedAt = Start }),
            R(RecordCategory.MediaHash, new MediaHashRecord { PlatformId = p, ItemId = "img-a", AccountId = "a1", At = new(2026, 3, 6, 0, 0, 0, TimeSpan.Zero), Algorithm = "sha256", Hash = new string('a', 64), RecordedAt = Start }),
        ], CancellationToken.None);
    }

    public static OrderTask Task(DataCategory category, TaskDecision decision, params (SelectorKind Kind, string Value, int? Port)[] selectors) => new()
    {
        Kind = TaskKind.Disclosure,
        Category = category,
        StartTime = From,
        EndTime = To,
        Decision = decision,
        Reference = "LDID-" + category,
        Selectors = [.. selectors.Select(s => new OrderSelector { Kind = s.Kind, Value = s.Value, Port = s.Port })],
    };

    public async Task<long> OrderAsync(OrderState state, LegalInstrument instrument, DateTimeOffset? noticeNotBefore, params OrderTask[] tasks)
    {
        await using var db = Db();
        var order = new LegalOrder
        {
            AuthorityId = Authority.Id,
            Instrument = instrument,
            Reference = "REF-" + Guid.NewGuid().ToString("N")[..8],
            Channel = OrderChannel.Hi1Json,
            State = state,
            SubmittedBy = "kid-1",
            ReceivedAt = Start,
            UpdatedAt = Start,
            UserNoticeNotBefore = noticeNotBefore,
            Tasks = [.. tasks],
        };
        db.LegalOrders.Add(order);
        await db.SaveChangesAsync();
        return order.Id;
    }

    public IReadOnlyList<LedgerEntry> LedgerEntries() =>
        [.. Enumerable.Range(0, (int)Ledger.Size()).Select(i => Ledger.ReadEntry(i))];

    public async ValueTask DisposeAsync()
    {
        Signing.Dispose();
        await Ledger.DisposeAsync();
        await Store.DisposeAsync();
    }
}

/// <summary>Opens packages the way an authority does: Debian's openssl for decryption and signature, then the manifest.</summary>
internal static class PackageOpener
{
    public static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo.Root, "schemas", "disclosure-task-v1.schema.json"))));

    public static async Task<(int Exit, string Error)> OpensslAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await err);
    }

    /// <summary>Decrypts with openssl, unzips, checks every manifest hash and the manifest signature; returns the files.</summary>
    public static async Task<Dictionary<string, byte[]>> OpenAsync(byte[] p7m, string folder, AuthorityKeyFiles keys, string platformCertPath)
    {
        Directory.CreateDirectory(folder);
        var input = Path.Combine(folder, "package.p7m");
        var zipPath = Path.Combine(folder, "package.zip");
        await File.WriteAllBytesAsync(input, p7m);
        var dec = await OpensslAsync("cms", "-decrypt", "-inform", "DER", "-in", input, "-recip", keys.CertificatePath, "-inkey", keys.KeyPath, "-out", zipPath);
        Assert.True(dec.Exit == 0, "openssl cms -decrypt failed: " + dec.Error);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var unpacked = Path.Combine(folder, "unpacked");
        await ZipFile.ExtractToDirectoryAsync(zipPath, unpacked);
        foreach (var f in Directory.EnumerateFiles(unpacked, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(unpacked, f).Replace('\\', '/')] = await File.ReadAllBytesAsync(f);
        }
        var manifest = JsonNode.Parse(files[DisclosurePackager.ManifestName])!;
        var listed = manifest["files"]!.AsArray();
        Assert.Equal(files.Keys.Where(k => k is not DisclosurePackager.ManifestName and not DisclosurePackager.SignatureName).Order(StringComparer.Ordinal),
            listed.Select(f => (string)f!["path"]!).Order(StringComparer.Ordinal));
        foreach (var f in listed)
        {
            var path = (string)f!["path"]!;
            Assert.Equal((string)f["sha256"]!, Convert.ToHexStringLower(SHA256.HashData(files[path])));
            Assert.Equal((int)f["size"]!, files[path].Length);
        }
        var verify = await OpensslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", Path.Combine(unpacked, DisclosurePackager.SignatureName),
            "-content", Path.Combine(unpacked, DisclosurePackager.ManifestName), "-CAfile", platformCertPath, "-out", "/dev/null");
        Assert.True(verify.Exit == 0, "openssl cms -verify failed: " + verify.Error);
        return files;
    }

    /// <summary>Validates a task file against the published schema; returns the parsed document.</summary>
    public static JsonElement ValidTask(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "schema: " + JsonSerializer.Serialize((result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => new { path = d.InstanceLocation.ToString(), d.Errors })));
        return doc.RootElement.Clone();
    }
}
