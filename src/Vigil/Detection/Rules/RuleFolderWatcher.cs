namespace Vigil.Detection.Rules;

/// <summary>
/// Reloads a <see cref="RuleSetHost"/> when files in its folder change, once the changes have
/// settled for <c>debounce</c> (editors write a file in several steps; reloading on the first event
/// would see half a file). A reload that fails keeps the previous rules, as
/// <see cref="RuleSetHost.TryReload"/> does; <c>reloaded</c> hears every outcome so errors can be logged.
/// </summary>
public sealed class RuleFolderWatcher : IDisposable
{
    private readonly RuleSetHost host;
    private readonly Action<RuleLoadResult>? reloaded;
    private readonly TimeSpan debounce;
    private readonly ITimer timer;
    private readonly FileSystemWatcher? watcher;
    private readonly Lock reloading = new();

    /// <summary>Starts watching <see cref="RuleSetHost.Folder"/> for created, changed, renamed and deleted files.</summary>
    public RuleFolderWatcher(RuleSetHost host, TimeProvider time, TimeSpan debounce, Action<RuleLoadResult>? reloaded = null)
        : this(host, time, debounce, reloaded, watchFileSystem: true)
    {
    }

    /// <summary>Tests pass watchFileSystem: false and call <see cref="NotifyChanged"/> themselves, so no real event can race them.</summary>
    internal RuleFolderWatcher(RuleSetHost host, TimeProvider time, TimeSpan debounce, Action<RuleLoadResult>? reloaded, bool watchFileSystem)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(time);
        this.host = host;
        this.debounce = debounce;
        this.reloaded = reloaded;
        timer = time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (watchFileSystem)
        {
            watcher = new FileSystemWatcher(host.Folder) { IncludeSubdirectories = false };
            watcher.Created += (_, _) => NotifyChanged();
            watcher.Changed += (_, _) => NotifyChanged();
            watcher.Deleted += (_, _) => NotifyChanged();
            watcher.Renamed += (_, _) => NotifyChanged();
            watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Records a change: the reload happens <c>debounce</c> after the last one.</summary>
    internal void NotifyChanged() => timer.Change(debounce, Timeout.InfiniteTimeSpan);

    private void Reload()
    {
        // One reload at a time: a change during a reload re-arms the timer for another one.
        lock (reloading)
        {
            var result = host.TryReload();
            reloaded?.Invoke(result);
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        watcher?.Dispose();
        timer.Dispose();
    }
}
