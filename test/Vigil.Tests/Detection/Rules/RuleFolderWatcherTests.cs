using Microsoft.Extensions.Time.Testing;
using Vigil.Detection.Rules;

namespace Vigil.Tests.Detection.Rules;

public sealed class RuleFolderWatcherTests : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);
    private readonly string folder = Directory.CreateTempSubdirectory("vigil-rules-watch-").FullName;
    private readonly FakeTimeProvider time = new();
    private readonly RuleSetHost host;
    private readonly List<RuleLoadResult> results = [];
    private readonly RuleFolderWatcher watcher;

    public RuleFolderWatcherTests()
    {
        Write("first");
        host = new RuleSetHost(folder);
        Assert.True(host.TryReload().Succeeded);
        watcher = new RuleFolderWatcher(host, time, Debounce, results.Add, watchFileSystem: false);
    }

    public void Dispose()
    {
        watcher.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    private void Write(string id, string action = "remove") =>
        File.WriteAllText(Path.Combine(folder, "rules.yaml"), $"rules:\n  - id: {id}\n    mode: enforce\n    when: {{e2ee: false}}\n    then: [{action}]\n");

    [Fact]
    public void Changes_AreReloadedOnce_AfterTheyHaveSettled()
    {
        Write("second");
        watcher.NotifyChanged();
        time.Advance(Debounce - TimeSpan.FromMilliseconds(1));
        watcher.NotifyChanged();
        time.Advance(Debounce - TimeSpan.FromMilliseconds(1));

        Assert.Empty(results);
        Assert.Equal(["first"], host.Current.RuleIds);

        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(Assert.Single(results).Succeeded);
        Assert.Equal(["second"], host.Current.RuleIds);
    }

    [Fact]
    public void ABadEdit_IsReported_AndTheOldRulesStay()
    {
        Write("second", action: "vaporise");
        watcher.NotifyChanged();
        time.Advance(Debounce);

        var result = Assert.Single(results);
        Assert.Contains("unknown action 'vaporise'", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(["first"], host.Current.RuleIds);
    }
}
