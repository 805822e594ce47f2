using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Detection.Rules;
using Vigil.Ledger;

namespace Vigil.Pipeline;

/// <summary>A rule set in force, with the version decisions record.</summary>
/// <param name="Version">SHA-256 (hex) over the rules files' names and bytes.</param>
public sealed record ActiveRules(RuleSet Rules, string Version, DateTimeOffset LoadedAt);

/// <summary>What <c>GET /api/v1/rules/status</c> shows.</summary>
public sealed record RulesStatus(string Folder, ActiveRules? Active, DateTimeOffset? LastErrorAt, IReadOnlyList<string> LastErrors);

/// <summary>
/// The pipeline's rules: loaded from a folder through <see cref="RuleSetHost"/> and reloaded by
/// <see cref="RuleFolderWatcher"/> when files change. A load that fails keeps the previous good rules in force,
/// logs the errors with their line numbers and writes a ledger event. Until one load has succeeded
/// <see cref="Active"/> is null and the pipeline waits: deciding without rules would wave every item through.
/// </summary>
public sealed class PipelineRules : IDisposable
{
    public const string SubjectType = "rules";
    public const string Loaded = "rules.loaded";
    public const string Rejected = "rules.rejected";

    private readonly TimeProvider time;
    private readonly LedgerLog? ledger;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private RuleSetHost? host;
    private RuleFolderWatcher? watcher;
    private ActiveRules? active;
    private DateTimeOffset? lastErrorAt;
    private IReadOnlyList<string> lastErrors = [];

    /// <summary>Creates the holder; nothing is loaded before <see cref="StartAsync"/>.</summary>
    public PipelineRules(TimeProvider time, LedgerLog? ledger, ILogger<PipelineRules>? logger = null)
    {
        this.time = time;
        this.ledger = ledger;
        this.logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The rules in force; null until a load has succeeded.</summary>
    public ActiveRules? Active => Volatile.Read(ref active);

    /// <summary>The folder, the rules in force and the last load error.</summary>
    public RulesStatus Status
    {
        get
        {
            lock (gate)
            {
                return new RulesStatus(host?.Folder ?? "", active, lastErrorAt, lastErrors);
            }
        }
    }

    /// <summary>
    /// Loads <paramref name="folder"/> once and, when <paramref name="watch"/> is set, starts reloading on changes
    /// (after <paramref name="debounce"/> of quiet).
    /// </summary>
    public async Task StartAsync(string folder, bool watch, TimeSpan debounce, CancellationToken ct)
    {
        host = new RuleSetHost(folder);
        await ReloadAsync(ct);
        if (watch)
        {
            watcher = new RuleFolderWatcher(host, time, debounce, result => _ = ApplyAsync(result, CancellationToken.None));
        }
    }

    /// <summary>Loads the folder now (tests, and the watcher's work without its debounce).</summary>
    public Task ReloadAsync(CancellationToken ct)
    {
        var h = host ?? throw new InvalidOperationException("StartAsync first");
        return ApplyAsync(h.TryReload(), ct);
    }

    private async Task ApplyAsync(RuleLoadResult result, CancellationToken ct)
    {
        var folder = host!.Folder;
        LedgerEvent e;
        if (result.Rules is { } rules)
        {
            // Hashed after the load: an edit in between re-arms the watcher, whose next load fixes the version.
            var version = FolderVersion(folder);
            var now = time.GetUtcNow();
            lock (gate)
            {
                Volatile.Write(ref active, new ActiveRules(rules, version, now));
            }
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("rules {Version} loaded from {Folder}: {Count} rules", version, folder, rules.Count);
            }
            e = new LedgerEvent("pipeline", "system", Loaded, new LedgerSubject(SubjectType, version),
                Cut($"{rules.Count} rules loaded from {Path.GetFileName(folder)}"));
        }
        else
        {
            var errors = result.Errors.Select(x => x.ToString()).ToList();
            lock (gate)
            {
                lastErrors = errors;
                lastErrorAt = time.GetUtcNow();
            }
            if (logger.IsEnabled(LogLevel.Error))
            {
                logger.LogError("rules in {Folder} not loaded, the previous rules stay in force: {Errors}", folder, string.Join(Environment.NewLine, errors));
            }
            e = new LedgerEvent("pipeline", "system", Rejected, new LedgerSubject(SubjectType, Active?.Version ?? "none"),
                Cut("rules not loaded, previous rules stay in force: " + string.Join("; ", errors)));
        }
        if (ledger is not null)
        {
            try
            {
                await ledger.AppendAsync(e, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "could not write the rules event to the ledger");
            }
        }
    }

    /// <summary>SHA-256 over each rules file's name and bytes, in the order <see cref="RuleSet.Load"/> reads them.</summary>
    public static string FolderVersion(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var f in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(f) + "\n"));
            try
            {
                sha.AppendData(File.ReadAllBytes(f));
            }
            catch (IOException)
            {
                // Vanished between listing and reading: the watcher reloads again.
            }
            sha.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Cut(string s) => s.Length <= LedgerEvent.MaxReasonLength ? s : s[..(LedgerEvent.MaxReasonLength - 3)] + "...";

    /// <summary>Stops watching the folder.</summary>
    public void Dispose() => watcher?.Dispose();
}
