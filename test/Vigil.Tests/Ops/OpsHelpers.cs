using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.Ingest;
using Vigil.Platforms;
using Vigil.Tests.Server;

namespace Vigil.Tests.Ops;

/// <summary>Platforms, keys and batches for the operations tests, through the same code the CLI runs.</summary>
internal static class OpsHelpers
{
    public static async Task<NewPlatformKey> NewPlatformAsync(RunningServer server, string name)
    {
        await using var db = server.Store.Store.CreateContext();
        return await new PlatformKeys(db, server.Ledger, TimeProvider.System).CreatePlatformAsync(name, "test", "operator", CancellationToken.None);
    }

    public static async Task<PlatformLimitSettings> SetLimitsAsync(RunningServer server, string name, int? rps = null, int? burst = null, long? body = null)
    {
        await using var db = server.Store.Store.CreateContext();
        return await new PlatformLimitsAdmin(db, server.Ledger, new PlatformLimitsOptions()).SetAsync(
            name, new LimitChange<int>(rps, false), new LimitChange<int>(burst, false), new LimitChange<long>(body, false), "test", "operator", CancellationToken.None);
    }

    public static HttpClient Client(RunningServer server, string? bearer)
    {
        var client = server.Client();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        client.PostAsync(IngestEndpoints.Route, new StringContent(json, Encoding.UTF8, "application/json"));

    public static string Batch(params string[] ids) =>
        "{ \"events\": [ " + string.Join(", ", ids.Select(id =>
            $$"""{ "item_id": "{{id}}", "type": "post", "account_id": "u1", "created_at": "2026-11-27T09:00:00Z", "text": "hello" }""")) + " ] }";

    public static async Task<int> StoredCountAsync(RunningServer server)
    {
        await using var db = server.Store.Store.CreateContext();
        return await db.IngestItems.CountAsync();
    }
}
