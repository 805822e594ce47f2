using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ingest;

public sealed partial class PlatformCommandTests
{
    [Fact]
    public async Task Platform_add_prints_a_key_once_list_shows_only_ids_and_revoke_key_is_recorded()
    {
        using var cli = new CliRunner();
        var (exit, output, error) = await cli.RunAsync("platform", "add", "chirp");
        Assert.True(exit == 0, error);
        var key = KeyLine().Match(output);
        Assert.True(key.Success, output);
        var keyId = key.Groups[1].Value;

        (exit, output, error) = await cli.RunAsync("platform", "list");
        Assert.True(exit == 0, error);
        Assert.Equal($"chirp  keys: {keyId}", output.Trim());
        Assert.DoesNotContain(key.Groups[2].Value, output, StringComparison.Ordinal);

        (exit, _, error) = await cli.RunAsync("platform", "add", "chirp");
        Assert.Equal((1, "error: a platform named 'chirp' already exists"), (exit, error.Trim()));

        (exit, output, error) = await cli.RunAsync("platform", "revoke-key", keyId);
        Assert.Equal((0, "revoked " + keyId), (exit, output.Trim()));
        (exit, output, _) = await cli.RunAsync("platform", "revoke-key", keyId);
        Assert.Equal((0, "unchanged: already revoked"), (exit, output.Trim()));
        (exit, _, error) = await cli.RunAsync("platform", "revoke-key", "0123456789abcdef");
        Assert.Equal((1, "error: no API key with id '0123456789abcdef'"), (exit, error.Trim()));

        (exit, output, _) = await cli.RunAsync("platform", "list", "--json");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var k = doc.RootElement[0].GetProperty("keys")[0];
        Assert.Equal(keyId, k.GetProperty("key_id").GetString());
        Assert.Equal(cli.Time.GetUtcNow(), k.GetProperty("revoked_at").GetDateTimeOffset());

        await using var ledger = Vigil.Ledger.LedgerLog.OpenDataDirectory(cli.Data.FullName);
        var actions = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event).Select(e => (e.Action, e.Subject.Id)).ToList();
        Assert.Equal([("platform.created", "chirp"), ("platform.key_created", "chirp"), ("platform.key_revoked", "chirp")], actions);
    }

    [GeneratedRegex(@"^api key: vgl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
