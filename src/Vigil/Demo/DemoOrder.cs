using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Authorities;
using Vigil.Hi1;
using Vigil.Storage;

namespace Vigil.Demo;

/// <summary>
/// <c>vigil demo</c>'s lawful-order story: a demo authority is registered with a signing key and an encryption
/// certificate, the platform sends the records it keeps for one suspect account, the authority submits a signed
/// European Production Order over HI-1, two legal officers approve it and the authority downloads and opens the
/// package (<see cref="DemoDisclosure"/>).
/// </summary>
public static class DemoOrder
{
    public const string AuthorityCode = "DE-DEMO-BKA";
    public const string SuspectAccount = "demo-suspect-1";
    private const string Actor = "demo";
    private const string Role = "operator";

    /// <summary>Runs the story on the started demo server and returns a check with what it left in the data folder.</summary>
    public static async Task<DemoCheck> RunAsync(WebApplication app, Uri address, string platformKey, VigilStore store, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        var now = time.GetUtcNow();
        var folder = Directory.CreateDirectory(Path.Combine(store.DataDirectory.FullName, "demo-authority"));
        var keyPath = Path.Combine(folder.FullName, "encryption.key.pem");
        var certPath = Path.Combine(folder.FullName, "encryption.cert.pem");
        using var signer = Hi1Signer.Generate("ES256", "demo-bka-es256");
        using (var scope = app.Services.CreateScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<AuthorityRegistry>();
            var certPem = WriteEncryptionKey(keyPath, certPath, now);
            await registry.CreateAsync(new AuthorityInput(AuthorityCode, "DE", "Demo Federal Criminal Police", "Police",
                ["EPOC", "EPOC-PR", "LEGAL"], ["+49 611 550"], EncryptionCertificatePem: certPem), Actor, Role, ct);
            await registry.AddJwsKeyAsync(AuthorityCode, signer.KeyId, signer.Algorithm, signer.PublicKeyPem(), now.AddMinutes(-5), now.AddYears(1), Actor, Role, ct);
        }

        using var http = new HttpClient { BaseAddress = address };
        await PostRecordsAsync(http, platformKey, now, ct);

        var spec = new Hi1OrderSpec("DE", AuthorityCode, "EPOC", "DE-EPOC-2026-0042",
        [
            new Hi1TaskSpec("SubscriberData", now.AddDays(-30), now, [new(Hi1Mappings.VigilOwner, "AccountId", SuspectAccount)]),
            new Hi1TaskSpec("TrafficData", now.AddDays(-30), now, [new(Hi1Mappings.VigilOwner, "AccountId", SuspectAccount)]),
        ])
        {
            EnforcingAuthority = "IE-DEMO-GARDA",
            Document = Encoding.ASCII.GetBytes("%PDF-1.4\n% demo European Production Order certificate (EPOC)\n"),
        };
        var response = await new Hi1Client(http, signer, time).SendAsync(Hi1Requests.Create(spec, now), Hi1Encoding.Json, ct);
        long orderId;
        await using (var db = store.CreateContext())
        {
            orderId = await db.LegalOrders.Where(o => o.Hi1ObjectId == spec.ObjectId).Select(o => o.Id).SingleOrDefaultAsync(ct);
        }
        if (response.Status != 200 || orderId == 0)
        {
            return new DemoCheck("signed HI-1 production order accepted", false, $"HTTP {response.Status}: {Cut(response.Body)}");
        }
        await output.WriteLineAsync($"   HI-1: {AuthorityCode} submitted EPOC {spec.Reference} (JWS ES256) -> order {orderId}, under review, due in 10 days");

        var lead = DemoServer.Staff.Where(s => s.Role == Accounts.StaffRoles.LegalOfficer).Select(s => s.Email).ToList();
        try
        {
            var result = await DemoDisclosure.CompleteOrderAsync(app.Services, orderId, lead[0], lead[1], keyPath, certPath, store.DataDirectory, ct);
            await output.WriteLineAsync($"   four eyes: {lead[0]} and {lead[1]} approved; package {result.PackageId} ({result.RecordCount} records, sha256 {result.Sha256[..16]}...) downloaded once, decrypted and verified");
            // The authority's view over HI-1: its deliveries (LIST), then the one answering this order (GET).
            var client = new Hi1Client(http, signer, time);
            var delivery = await DeliveryAsync(client, time, ct);
            if (delivery is not { } found || found.Sha256 != result.Sha256 || found.Status != "Downloaded")
            {
                return new DemoCheck("production order answered with exactly its scope", false, $"HI-1 DeliveryObject does not name the package: {delivery}");
            }
            await output.WriteLineAsync($"   HI-1: LIST and GET of DeliveryObject {found.Id}: {found.Path}, sha256 matches, {found.Status.ToLowerInvariant()}");
            await output.WriteLineAsync($"   open it yourself:  {result.DecryptCommand}");
            await output.WriteLineAsync($"                      {result.VerifyCommand}");
            return new DemoCheck("production order answered with exactly its scope", result.RecordCount > 0,
                string.Create(CultureInfo.InvariantCulture, $"order {orderId} disclosed: {result.RecordCount} records of {SuspectAccount}, package {result.PackagePath}"));
        }
        catch (Exception e) when (e is InvalidOperationException or CryptographicException or IOException)
        {
            return new DemoCheck("production order answered with exactly its scope", false, e.Message);
        }
    }

    /// <summary>The newest DeliveryObject the demo authority finds over HI-1 (LIST, then GET); null when there is none.</summary>
    private static async Task<(string Id, string Path, string Sha256, string Status)?> DeliveryAsync(Hi1Client client, TimeProvider time, CancellationToken ct)
    {
        static JsonElement Response(Hi1ClientResponse r) =>
            JsonDocument.Parse(r.Body).RootElement.GetProperty("Payload").GetProperty("ResponsePayload").GetProperty("ActionResponses").GetProperty("ActionResponse")[0];
        try
        {
            var list = await client.SendAsync(Hi1Requests.List("DE", AuthorityCode, time.GetUtcNow(), "{" + Hi1Codec.DeliveryNamespace + "}DeliveryObject"), Hi1Encoding.Json, ct);
            var records = Response(list).GetProperty("LISTResponse").GetProperty("ListResponseRecord");
            if (list.Status != 200 || records.GetArrayLength() == 0)
            {
                return null;
            }
            var id = records[0].GetProperty("ObjectIdentifier").GetString()!;
            var get = await client.SendAsync(Hi1Requests.Get("DE", AuthorityCode, id, time.GetUtcNow()), Hi1Encoding.Json, ct);
            var d = Response(get).GetProperty("GETResponse").GetProperty("HI1Object").GetProperty("delivery:Delivery");
            return get.Status != 200 ? null
                : (id, d.GetProperty("delivery:DownloadPath").GetString()!, d.GetProperty("delivery:Sha256").GetString()!, d.GetProperty("delivery:Status").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            // An answer that is not the expected shape: the check fails with "does not name the package".
            return null;
        }
    }

    private static string WriteEncryptionKey(string keyPath, string certPath, DateTimeOffset now)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Demo Federal Criminal Police, O=Vigil demo, C=DE", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, true));
        using var cert = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var w = new StreamWriter(keyPath, Encoding.ASCII, options))
        {
            w.Write(rsa.ExportPkcs8PrivateKeyPem());
        }
        var pem = cert.ExportCertificatePem();
        File.WriteAllText(certPath, pem);
        return pem;
    }

    /// <summary>What the platform keeps about the suspect (and one bystander the order must not reach).</summary>
    private static async Task PostRecordsAsync(HttpClient http, string platformKey, DateTimeOffset now, CancellationToken ct)
    {
        string T(double daysAgo) => now.AddDays(-daysAgo).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var batches = new (string Category, string Json)[]
        {
            ("subscribers", $$"""{"records":[{"account_id":"{{SuspectAccount}}","username":"nightfall_77","names_given":"J. Doe","email":"nightfall77@example.org","phone":"+49 30 901820","created_at":"{{T(200)}}","country":"DE"},{"account_id":"demo-bystander","username":"bystander","email":"bystander@example.org","created_at":"{{T(100)}}","country":"IE"}]}"""),
            ("access_logs", $$"""{"records":[{"account_id":"{{SuspectAccount}}","at":"{{T(20)}}","ip_address":"203.0.113.7","source_port":40001,"device_id":"android-1"},{"account_id":"{{SuspectAccount}}","at":"{{T(5)}}","ip_address":"198.51.100.23","source_port":51234,"device_id":"android-1"},{"account_id":"{{SuspectAccount}}","at":"{{T(60)}}","ip_address":"203.0.113.9"},{"account_id":"demo-bystander","at":"{{T(5)}}","ip_address":"198.51.100.24"}]}"""),
            ("message_metadata", $$"""{"records":[{"message_id":"dm-1","sender":"{{SuspectAccount}}","recipients":["demo-bystander"],"at":"{{T(4)}}","size_bytes":812,"e2ee":true},{"message_id":"dm-2","sender":"demo-bystander","recipients":["demo-other"],"at":"{{T(3)}}","size_bytes":90,"e2ee":false}]}"""),
        };
        foreach (var (category, json) in batches)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/records/{category}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", platformKey);
            using var r = await http.SendAsync(request, ct);
            var body = await r.Content.ReadAsStringAsync(ct);
            if (!r.IsSuccessStatusCode || body.Contains("\"rejected\"", StringComparison.Ordinal) && !body.Contains("\"rejected\":0", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"records {category}: HTTP {(int)r.StatusCode} {Cut(body)}");
            }
        }
    }

    private static string Cut(string s) => s.Length <= 300 ? s : s[..300] + "...";
}
