using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Ingest;
using Vigil.Moderation;
using Vigil.Platforms;
using Vigil.Tests.Server;

namespace Vigil.Tests.Desk;

/// <summary>A running server with two moderators and a lead, and helpers that put items and cases straight into the database.</summary>
internal static partial class DeskKit
{
    public const string Mod1 = "mod1@example.org";
    public const string Mod2 = "mod2@example.org";
    public const string Lead = "lead@example.org";

    public static Task<(RunningServer Server, IReadOnlyDictionary<string, NewStaffAccount> Accounts)> StartAsync(string provider) =>
        RunningServer.StartAsync(provider, (Mod1, StaffRoles.Moderator), (Mod2, StaffRoles.Moderator), (Lead, StaffRoles.TrustAndSafetyLead));

    public static DeskOptions Options(RunningServer server) => server.App.Services.GetRequiredService<DeskOptions>();

    public static async Task<(long Id, string ApiKey)> PlatformAsync(RunningServer server, string name = "chirp")
    {
        await using var db = server.Store.Store.CreateContext();
        var key = await new PlatformKeys(db, server.Ledger, TimeProvider.System).CreatePlatformAsync(name, "test", "operator", CancellationToken.None);
        var id = db.Platforms.Single(p => p.Name == name).Id;
        return (id, key.ApiKey);
    }

    /// <summary>Stores an ingested item and an open flag case for it; returns (item row id, case id).</summary>
    public static async Task<(long ItemId, long CaseId)> FlagAsync(RunningServer server, long platformId, string itemId, string account,
        string? text = null, byte[]? image = null, double priority = 1, string queue = "tvec", string? rule = "tvec-match", bool e2ee = false, DateTimeOffset? created = null)
    {
        await using var db = server.Store.Store.CreateContext();
        var now = created ?? TimeProvider.System.GetUtcNow();
        var item = new IngestItem
        {
            PlatformId = platformId,
            ItemId = itemId,
            Type = e2ee ? "direct_message" : image is null ? "post" : "image",
            AccountId = account,
            CreatedAt = now.AddMinutes(-5),
            ReceivedAt = now,
            Text = text,
            E2ee = e2ee,
            Image = image,
            ImageSha256 = image is null ? null : System.Security.Cryptography.SHA256.HashData(image),
            ProcessedAt = now,
            Metadata = e2ee ? """{"thread":"t-1","recipients":2}""" : null,
        };
        db.IngestItems.Add(item);
        await db.SaveChangesAsync();
        var c = ReviewQueue.Enqueue(db, new ReviewRequest(platformId, item.Id, queue, priority, rule, "matched a bank entry"), now);
        await db.SaveChangesAsync();
        return (item.Id, c.Id);
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string action, params (string Key, string Value)[] fields)
    {
        // Antiforgery tokens are per user, not per form: the queue page always has one.
        var token = await RunningServer.FormTokenAsync(client, "/desk");
        var body = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", token) };
        body.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        return await client.PostAsync(action, new FormUrlEncodedContent(body));
    }

    /// <summary>POST /desk/take; returns the case id it redirected to, or null when the queue had nothing.</summary>
    public static async Task<long?> TakeNextAsync(HttpClient client, string kind = "")
    {
        var r = await PostFormAsync(client, "/desk/take", ("kind", kind));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var loc = r.Headers.Location!.OriginalString;
        var m = CaseLocation().Match(loc);
        return m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public static Task<HttpResponseMessage> DecideAsync(HttpClient client, long caseId, string outcome, string policy, string facts, string scope = "EU", params string[] contentTypes)
    {
        var fields = new List<(string, string)> { ("outcome", outcome), ("policy", policy), ("facts", facts), ("automated_decision", "none"), ("territorial_scope", scope) };
        fields.AddRange(contentTypes.Select(t => ("content_type", t)));
        return PostFormAsync(client, $"/desk/cases/{caseId}/decide", [.. fields]);
    }

    public static List<Dictionary<string, JsonElement>> Statements(string exportJson)
    {
        using var doc = JsonDocument.Parse(exportJson);
        var all = new List<Dictionary<string, JsonElement>>();
        foreach (var batch in doc.RootElement.GetProperty("batches").EnumerateArray())
        {
            var statements = batch.GetProperty("statements");
            Assert.InRange(statements.GetArrayLength(), 1, 100);
            all.AddRange(statements.EnumerateArray().Select(s => s.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)));
        }
        return all;
    }

    [GeneratedRegex("^/desk/cases/([0-9]+)$")]
    private static partial Regex CaseLocation();
}
