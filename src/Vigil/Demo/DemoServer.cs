using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Bench;
using Vigil.Ingest;
using Vigil.Ledger;
using Vigil.Platforms;
using Vigil.Server;
using Vigil.Storage;

namespace Vigil.Demo;

/// <summary>A demo staff account's credentials, printed and written to the data folder (owner-only).</summary>
public sealed record DemoCredential(string Email, string Role, string Password, string TotpSecret, string OtpauthUri);

/// <summary>One check after the traffic was sent.</summary>
public sealed record DemoCheck(string Check, bool Passed, string Detail);

/// <summary>What the post-traffic checks look at.</summary>
/// <param name="Db">A context on the demo's store.</param>
/// <param name="PlatformId">The demo platform.</param>
/// <param name="Generated">Events generated and sent (the resent batch not included).</param>
/// <param name="Accepted">Events the API answered "accepted" for.</param>
/// <param name="Rejected">Events the API rejected.</param>
/// <param name="ItemIds">The item ids sent, in order.</param>
/// <param name="ResentDuplicates">Events of the resent first batch answered "duplicate".</param>
/// <param name="ResentCount">Events in the resent batch.</param>
/// <param name="StoredBeforeResend">Stored items of the platform before the resend.</param>
/// <param name="StoredAfterResend">Stored items of the platform after the resend.</param>
public sealed record DemoTrafficOutcome(
    VigilDb Db, long PlatformId, int Generated, int Accepted, int Rejected, IReadOnlyList<string> ItemIds,
    int ResentDuplicates, int ResentCount, long StoredBeforeResend, long StoredAfterResend)
{
    /// <summary>Events generated, by kind (what the pipeline checks compare against).</summary>
    public IReadOnlyDictionary<TrafficKind, long> Traffic { get; init; } = new Dictionary<TrafficKind, long>();
}

/// <summary>
/// <c>vigil demo</c>'s serving part: the real server on the demo data folder, demo staff accounts, a demo platform with
/// an API key, and generated platform traffic sent through the HTTP API, checked after it was sent.
/// </summary>
public sealed class DemoServer : IAsyncDisposable
{
    public const string PlatformName = "demo-platform";
    public const string CredentialsFile = "demo-credentials.txt";
    public const int Events = 300;
    public const int BatchSize = 50;
    private const string Actor = "vigil demo";
    private const string ActorRole = "operator";

    /// <summary>The demo staff: an admin, two moderators, a trust-and-safety lead and two legal officers (four eyes on disclosures).</summary>
    public static readonly IReadOnlyList<(string Email, string Role)> Staff =
    [
        ("admin@demo.vigil.example", StaffRoles.Admin),
        ("moderator1@demo.vigil.example", StaffRoles.Moderator),
        ("moderator2@demo.vigil.example", StaffRoles.Moderator),
        ("tns-lead@demo.vigil.example", StaffRoles.TrustAndSafetyLead),
        ("legal@demo.vigil.example", StaffRoles.LegalOfficer),
        ("legal2@demo.vigil.example", StaffRoles.LegalOfficer),
    ];

    /// <summary>How long the demo waits for the detection pipeline to decide the traffic.</summary>
    public static readonly TimeSpan PipelineWait = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The checks run after the traffic: what the API answered, then what the detection pipeline did with it
    /// (the first pipeline check waits until every item is decided).
    /// </summary>
    public static readonly IReadOnlyList<Func<DemoTrafficOutcome, CancellationToken, Task<DemoCheck>>> PostTrafficChecks =
    [
        AllAcceptedAsync,
        ResentAreDuplicatesAsync,
        E2eeBodiesNotStoredAsync,
        AllDecidedAsync,
        RepostsRemovedAsync,
        RemovalsPreservedQueuedAndNotifiedAsync,
        ThreatsReferredAsync,
        DemoReferrals.ThreatReferralsAcknowledgedAsync,
    ];

    private DemoServer(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    /// <summary>The bound address (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    public IReadOnlyList<DemoCredential> Accounts { get; private set; } = [];

    public string ApiKey { get; private set; } = "";

    public IReadOnlyList<DemoCheck> Checks { get; private set; } = [];

    public IReadOnlyDictionary<TrafficKind, long> Traffic { get; private set; } = new Dictionary<TrafficKind, long>();

    public bool Succeeded => Checks.Count > 0 && Checks.All(c => c.Passed);

    /// <summary>Starts the server on <paramref name="urls"/>, creates the accounts and the platform, sends and checks the traffic.</summary>
    public static async Task<DemoServer> StartAsync(VigilStore store, string urls, TimeProvider time, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(output);
        var app = await VigilServer.BuildAsync(store, urls, time, ct);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var server = new DemoServer(app, new Uri(VigilServer.Addresses(app)[0]));
        try
        {
            await output.WriteLineAsync(Environment.NewLine + "9. The server, with platform traffic");
            server.Accounts = await CreateAccountsAsync(app, ct);
            await WriteCredentialsAsync(store, server.Accounts, ct);
            await using var db = store.CreateContext();
            var (platformId, key) = await PlatformKeyAsync(db, app.Services.GetRequiredService<LedgerLog>(), time, ct);
            server.ApiKey = key;
            await output.WriteLineAsync($"   {server.Accounts.Count} staff accounts, platform '{PlatformName}' with a fresh API key, banks '{DemoBanks.GifctBank}', '{DemoBanks.NegativeBank}', '{DemoBanks.TextBank}' loaded");
            await DemoReferrals.StartAsync(app, store, time, output, ct);
            var outcome = await SendTrafficAsync(server, db, platformId, time, ct);
            var checks = new List<DemoCheck>();
            foreach (var check in PostTrafficChecks)
            {
                var c = await check(outcome, ct);
                checks.Add(c);
                await output.WriteLineAsync($"   [{(c.Passed ? "ok" : "FAILED")}] {c.Check}: {c.Detail}");
            }
            await output.WriteLineAsync(Environment.NewLine + "10. A lawful order, answered with exactly its scope");
            var order = await DemoOrder.RunAsync(app, server.Address, key, store, time, output, ct);
            checks.Add(order);
            await output.WriteLineAsync($"   [{(order.Passed ? "ok" : "FAILED")}] {order.Check}: {order.Detail}");
            server.Checks = checks;
            await output.WriteLineAsync("   traffic: " + string.Join(", ", server.Traffic.Where(t => t.Value > 0).Select(t => Describe(t.Key, t.Value))));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The welcome text: where to go, who to sign in as, how to get a code and how to send more events.</summary>
    public string Welcome(VigilStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var s = new StringBuilder();
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"The demo desk is open at {Address}  (Ctrl+C stops it)");
        s.AppendLine("Sign in with a password, then a six-digit code from an authenticator app (scan or paste the otpauth URI),");
        s.AppendLine("or compute the current code here with: oathtool --totp -b SECRET");
        foreach (var a in Accounts)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  {a.Role,-22} {a.Email,-32} password {a.Password}");
            s.AppendLine(CultureInfo.InvariantCulture, $"  {"",-22} {a.OtpauthUri}");
            s.AppendLine(CultureInfo.InvariantCulture, $"  {"",-22} oathtool --totp -b {a.TotpSecret}");
        }
        s.AppendLine(CultureInfo.InvariantCulture, $"These credentials are also in {Path.Combine(store.DataDirectory.FullName, CredentialsFile)} (readable by you only).");
        s.AppendLine(CultureInfo.InvariantCulture, $"Platform API key ({PlatformName}): {ApiKey}");
        s.Append(CultureInfo.InvariantCulture,
            $$"""Send more: curl -H 'Authorization: Bearer {{ApiKey}}' -H 'Content-Type: application/json' -d '{"events":[{"item_id":"my-1","type":"post","account_id":"u1","created_at":"2026-11-27T09:00:00Z","text":"hello"}]}' {{new Uri(Address, IngestEndpoints.Route)}}""");
        return s.ToString();
    }

    private static string Describe(TrafficKind kind, long n) => kind switch
    {
        TrafficKind.BankRepost => $"{n} altered re-posts of the propaganda posters",
        TrafficKind.Image => $"{n} other images",
        TrafficKind.Threat => $"{n} threats naming a country",
        TrafficKind.ManifestoNearDuplicate => $"{n} manifesto near-duplicates",
        TrafficKind.E2eeDirectMessage => $"{n} end-to-end encrypted DMs (metadata only)",
        TrafficKind.DirectMessage => $"{n} DMs",
        TrafficKind.Comment => $"{n} comments",
        _ => $"{n} posts",
    };

    private static async Task<IReadOnlyList<DemoCredential>> CreateAccountsAsync(WebApplication app, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var accounts = scope.ServiceProvider.GetRequiredService<StaffAccounts>();
        var ledger = app.Services.GetRequiredService<LedgerLog>();
        var created = new List<DemoCredential>();
        foreach (var (email, role) in Staff)
        {
            // A re-run replaces the demo's own accounts, so the printed credentials always work.
            if (await users.FindByEmailAsync(email) is { } old)
            {
                var deleted = await users.DeleteAsync(old);
                if (!deleted.Succeeded)
                {
                    throw new AccountException($"cannot replace demo account {email}: {string.Join("; ", deleted.Errors.Select(e => e.Description))}");
                }
                await ledger.AppendAsync(AccountAudit.Event(Actor, ActorRole, "account.deleted", email, "demo: replaced by a fresh demo account"), ct);
            }
            var a = await accounts.CreateAsync(email, role, Actor, ActorRole, ct);
            created.Add(new DemoCredential(a.Email, role, a.Password, a.AuthenticatorKey, a.OtpAuthUri));
        }
        return created;
    }

    private static async Task WriteCredentialsAsync(VigilStore store, IReadOnlyList<DemoCredential> accounts, CancellationToken ct)
    {
        var path = Path.Combine(store.DataDirectory.FullName, CredentialsFile);
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var file = new StreamWriter(path, Encoding.UTF8, options);
        await file.WriteLineAsync("# vigil demo staff accounts (demo data only; replaced on every `vigil demo` run)");
        foreach (var a in accounts)
        {
            await file.WriteLineAsync($"{a.Email}\t{a.Role}\tpassword={a.Password}\ttotp={a.OtpauthUri}".AsMemory(), ct);
        }
    }

    private static async Task<(long PlatformId, string Key)> PlatformKeyAsync(VigilDb db, LedgerLog ledger, TimeProvider time, CancellationToken ct)
    {
        var keys = new PlatformKeys(db, ledger, time);
        var key = await db.Platforms.AnyAsync(p => p.Name == PlatformName, ct)
            ? await keys.AddKeyAsync(PlatformName, Actor, ActorRole, ct)
            : await keys.CreatePlatformAsync(PlatformName, Actor, ActorRole, ct);
        var id = await db.Platforms.Where(p => p.Name == PlatformName).Select(p => p.Id).SingleAsync(ct);
        return (id, key.ApiKey);
    }

    private static async Task<DemoTrafficOutcome> SendTrafficAsync(DemoServer server, VigilDb db, long platformId, TimeProvider time, CancellationToken ct)
    {
        // Heavier on what the demo is about than real traffic: re-posts, threats and manifesto copies.
        var mix = new TrafficMix(ImageShare: 0.25, BankRepostShare: 0.6, ThreatShare: 0.08, ManifestoShare: 0.06, DirectMessageShare: 0.3, E2eeShare: 0.5);
        var pool = TrafficImagePool.Create(reposts: 18, unrelated: 6, seed: 11);
        var runId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var generator = new TrafficGenerator(pool, mix, seed: 42, idPrefix: $"demo-{runId}-");
        using var http = new HttpClient { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.ApiKey);
        int accepted = 0, rejected = 0;
        byte[]? first = null;
        var ids = new List<string>();
        for (int sent = 0; sent < Events; sent += BatchSize)
        {
            var buffer = new ArrayBufferWriter<byte>();
            generator.WriteBatch(buffer, Math.Min(BatchSize, Events - sent), time.GetUtcNow());
            var body = buffer.WrittenSpan.ToArray();
            first ??= body;
            var results = await PostAsync(http, body, ct);
            accepted += results.Count(r => r.Status == "accepted");
            rejected += results.Count(r => r.Status == "rejected");
            ids.AddRange(results.Select(r => r.ItemId ?? ""));
        }
        server.Traffic = generator.Counts;
        var before = await db.IngestItems.LongCountAsync(x => x.PlatformId == platformId, ct);
        // A platform retrying after a timeout resends a batch: it must be answered as duplicates and stored once.
        var again = await PostAsync(http, first!, ct);
        var after = await db.IngestItems.LongCountAsync(x => x.PlatformId == platformId, ct);
        return new DemoTrafficOutcome(db, platformId, Events, accepted, rejected, ids,
            again.Count(r => r.Status == "duplicate"), again.Count, before, after) { Traffic = generator.Counts };
    }

    private static async Task<List<(string? ItemId, string Status)>> PostAsync(HttpClient http, byte[] body, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(IngestEndpoints.Route, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the server refused the demo traffic: HTTP {(int)response.StatusCode} {text}");
        }
        using var doc = System.Text.Json.JsonDocument.Parse(text);
        return [.. doc.RootElement.GetProperty("results").EnumerateArray().Select(r => (
            r.TryGetProperty("item_id", out var id) ? id.GetString() : null,
            r.GetProperty("status").GetString() ?? ""))];
    }

    private static Task<DemoCheck> AllAcceptedAsync(DemoTrafficOutcome o, CancellationToken ct) =>
        Task.FromResult(new DemoCheck($"all {o.Generated} generated events are accepted", o.Accepted == o.Generated && o.Rejected == 0,
            $"accepted {o.Accepted}, rejected {o.Rejected}"));

    private static Task<DemoCheck> ResentAreDuplicatesAsync(DemoTrafficOutcome o, CancellationToken ct) =>
        Task.FromResult(new DemoCheck("a resent batch is answered as duplicates and stores nothing new",
            o.ResentDuplicates == o.ResentCount && o.StoredAfterResend == o.StoredBeforeResend,
            $"{o.ResentDuplicates} of {o.ResentCount} duplicates; {o.StoredBeforeResend} items stored before, {o.StoredAfterResend} after"));

    private static async Task<DemoCheck> E2eeBodiesNotStoredAsync(DemoTrafficOutcome o, CancellationToken ct)
    {
        var ids = o.ItemIds.ToList();
        var e2ee = await o.Db.IngestItems.AsNoTracking()
            .Where(x => x.PlatformId == o.PlatformId && x.E2ee && ids.Contains(x.ItemId))
            .Select(x => new { HasBody = x.Text != null || x.Image != null })
            .ToListAsync(ct);
        return new DemoCheck("end-to-end encrypted DMs are stored as metadata only", e2ee.Count > 0 && e2ee.All(x => !x.HasBody),
            $"{e2ee.Count} e2ee DMs, {e2ee.Count(x => x.HasBody)} with a body");
    }

    private static async Task<DemoCheck> AllDecidedAsync(DemoTrafficOutcome o, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        long waiting;
        do
        {
            o.Db.ChangeTracker.Clear();
            waiting = await o.Db.IngestItems.LongCountAsync(x => x.PlatformId == o.PlatformId && x.ProcessedAt == null, ct);
            if (waiting == 0)
            {
                break;
            }
            await Task.Delay(200, ct);
        }
        while (started.Elapsed < PipelineWait);
        var decisions = await o.Db.Decisions.LongCountAsync(d => d.PlatformId == o.PlatformId, ct);
        return new DemoCheck("the detection pipeline decides every accepted event", waiting == 0,
            string.Create(CultureInfo.InvariantCulture, $"{decisions} decisions in {started.Elapsed.TotalSeconds:0.0} s, {waiting} still waiting"));
    }

    private static async Task<DemoCheck> RepostsRemovedAsync(DemoTrafficOutcome o, CancellationToken ct)
    {
        var reposts = o.Traffic.GetValueOrDefault(TrafficKind.BankRepost);
        var removed = await RemovedItemsAsync(o, ct);
        return new DemoCheck("every altered re-post of a bank poster is removed, and nothing else", removed.Count == reposts,
            $"{removed.Count} items removed by rule tvec-known-bank-match, {reposts} re-posts sent");
    }

    private static async Task<DemoCheck> RemovalsPreservedQueuedAndNotifiedAsync(DemoTrafficOutcome o, CancellationToken ct)
    {
        var removed = await RemovedItemsAsync(o, ct);
        var preserved = await o.Db.Preservations.Where(p => removed.Contains(p.IngestItemId)).Select(p => p.IngestItemId).Distinct().CountAsync(ct);
        var queued = await o.Db.ReviewCases.Where(c => removed.Contains(c.IngestItemId) && c.Queue == "tvec").Select(c => c.IngestItemId).Distinct().CountAsync(ct);
        var webhooks = await o.Db.OutboxMessages.CountAsync(m => m.PlatformId == o.PlatformId && m.EventType == "item.removed", ct);
        return new DemoCheck("each removal is preserved, queued for review and sent to the platform as a webhook",
            removed.Count > 0 && preserved == removed.Count && queued == removed.Count && webhooks == removed.Count,
            $"{removed.Count} removed, {preserved} preserved, {queued} in the tvec queue, {webhooks} item.removed webhooks");
    }

    private static async Task<DemoCheck> ThreatsReferredAsync(DemoTrafficOutcome o, CancellationToken ct)
    {
        var threats = o.Traffic.GetValueOrDefault(TrafficKind.Threat);
        var referrals = await o.Db.Referrals.Where(r => r.PlatformId == o.PlatformId).Select(r => new { r.IngestItemId, r.AuthorityCountry }).ToListAsync(ct);
        var urgent = await o.Db.ReviewCases.CountAsync(c => c.PlatformId == o.PlatformId && c.Queue == "imminent-threat", ct);
        return new DemoCheck("every threat to life is referred to its country's authority and queued as imminent",
            referrals.Count == threats && referrals.All(r => r.AuthorityCountry is { Length: 2 }) && urgent == threats,
            $"{referrals.Count} referrals ({string.Join(", ", referrals.GroupBy(r => r.AuthorityCountry).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"))}), {urgent} imminent-threat cases, {threats} threats sent");
    }

    private static Task<List<long>> RemovedItemsAsync(DemoTrafficOutcome o, CancellationToken ct) =>
        o.Db.ContentActions.Where(a => a.PlatformId == o.PlatformId && a.Kind == Pipeline.ContentActionKind.Remove && a.RuleId == "tvec-known-bank-match")
            .Select(a => a.IngestItemId).Distinct().ToListAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
