using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Vigil.Ledger.Http;
using Vigil.Ledger.Merkle;

namespace Vigil.Ledger.Tests;

/// <summary>The read-only endpoints, served by a real Kestrel on 127.0.0.1.</summary>
public sealed class HttpTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private LedgerLog _ledger = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _ledger = LedgerLog.OpenDataDirectory(_dir.Path, "http.test/ledger");
        await _ledger.AppendBatchAsync(Enumerable.Range(0, 300).Select(Events.Sample).ToList(), CancellationToken.None);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapLedger(_ledger);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        await _ledger.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Checkpoint_IsServedExactlyAsSigned()
    {
        string served = await _http.GetStringAsync(new Uri("/ledger/checkpoint", UriKind.Relative));
        Assert.Equal(_ledger.Checkpoint().Note, served);
        Assert.Equal(_ledger.VerifierKey + "\n", await _http.GetStringAsync(new Uri("/ledger/key", UriKind.Relative)));
    }

    [Fact]
    public async Task InclusionProof_FromHttp_Verifies()
    {
        using JsonDocument doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/ledger/proof/inclusion?index=123", UriKind.Relative)));
        JsonElement p = doc.RootElement;
        Assert.Equal(300, p.GetProperty("treeSize").GetInt64());
        List<byte[]> proof = p.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        byte[] leaf = Rfc6962.HashLeaf(_ledger.ReadEntry(123).CanonicalJson);
        Assert.True(MerkleVerifier.VerifyInclusion(123, 300, leaf, proof, _ledger.Checkpoint().Checkpoint.Root).IsValid);
    }

    [Fact]
    public async Task ConsistencyProof_FromHttp_Verifies()
    {
        using JsonDocument doc = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/ledger/proof/consistency?from=100&to=300", UriKind.Relative)));
        JsonElement p = doc.RootElement;
        List<byte[]> proof = p.GetProperty("proof").EnumerateArray().Select(h => Convert.FromBase64String(h.GetString()!)).ToList();
        Assert.True(MerkleVerifier.VerifyConsistency(100, 300, proof,
            Convert.FromBase64String(p.GetProperty("root1").GetString()!), _ledger.Checkpoint().Checkpoint.Root).IsValid);
    }

    [Fact]
    public async Task Tiles_MatchTheExportedMirror()
    {
        using var mirror = new TempDirectory();
        _ledger.ExportTiles(mirror.Path, CancellationToken.None);
        foreach (string path in new[] { "tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/44" })
        {
            byte[] served = await _http.GetByteArrayAsync(new Uri("/ledger/" + path, UriKind.Relative));
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(mirror.Path, path)), served);
        }
    }

    [Theory]
    [InlineData("tile/9/000", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/12", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/x12/000", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/000.p/0", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/000.p/256", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/000.p/007", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/x999/x999/x999/x999/x999/x999/999", HttpStatusCode.BadRequest)]
    [InlineData("tile/0/002", HttpStatusCode.NotFound)]
    [InlineData("tile/0/001", HttpStatusCode.NotFound)]
    [InlineData("tile/0/001.p/45", HttpStatusCode.NotFound)]
    [InlineData("tile/entries/005", HttpStatusCode.NotFound)]
    [InlineData("proof/inclusion?index=300", HttpStatusCode.BadRequest)]
    [InlineData("proof/inclusion", HttpStatusCode.BadRequest)]
    [InlineData("proof/consistency?from=0", HttpStatusCode.BadRequest)]
    public async Task BadOrMissingRequests_GetPreciseStatuses(string path, HttpStatusCode status)
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri("/ledger/" + path, UriKind.Relative));
        Assert.Equal(status, response.StatusCode);
    }
}
