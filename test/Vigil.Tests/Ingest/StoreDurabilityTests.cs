using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Tests.Support;

namespace Vigil.Tests.Ingest;

public sealed class StoreDurabilityTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Every_store_connection_commits_to_disk_before_a_commit_returns(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        // Twice: the second context may get a pooled connection, which must keep the settings.
        for (var round = 0; round < 2; round++)
        {
            await using var db = store.Store.CreateContext();
            await db.Database.OpenConnectionAsync();
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            if (provider == "sqlite")
            {
                cmd.CommandText = "PRAGMA synchronous";
                Assert.Equal(2L, Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture)); // FULL
                cmd.CommandText = "PRAGMA journal_mode";
                Assert.Equal("wal", await cmd.ExecuteScalarAsync());
            }
            else
            {
                cmd.CommandText = "SHOW synchronous_commit";
                Assert.Equal("on", await cmd.ExecuteScalarAsync());
                cmd.CommandText = "SHOW fsync";
                Assert.Equal("on", await cmd.ExecuteScalarAsync());
            }
        }
    }
}
