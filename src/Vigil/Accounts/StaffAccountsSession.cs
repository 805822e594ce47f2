using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Accounts;

/// <summary>
/// <see cref="StaffAccounts"/> outside the server (the <c>vigil user</c> commands): migrates the store, opens the data
/// folder's ledger and Identity's managers, and closes them all on dispose.
/// </summary>
public sealed class StaffAccountsSession : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly AsyncServiceScope _scope;
    private readonly LedgerLog _ledger;

    private StaffAccountsSession(ServiceProvider services, LedgerLog ledger, TimeProvider time)
    {
        _services = services;
        _ledger = ledger;
        _scope = services.CreateAsyncScope();
        var sp = _scope.ServiceProvider;
        Accounts = new StaffAccounts(sp.GetRequiredService<UserManager<StaffUser>>(), sp.GetRequiredService<RoleManager<IdentityRole>>(), ledger, time);
    }

    public StaffAccounts Accounts { get; }

    public static async Task<StaffAccountsSession> OpenAsync(VigilStore store, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using (var db = await store.OpenAsync(ct))
        {
            // Only for the migrations; Identity gets its own context from the container.
        }
        var services = new ServiceCollection().AddStaffIdentityCore(store).BuildServiceProvider();
        LedgerLog ledger;
        try
        {
            ledger = LedgerLog.OpenDataDirectory(store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
        return new StaffAccountsSession(services, ledger, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
        await _ledger.DisposeAsync();
    }
}
