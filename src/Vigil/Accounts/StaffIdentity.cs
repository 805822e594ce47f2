using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;

namespace Vigil.Accounts;

/// <summary>Identity settings shared by the server and the <c>vigil user</c> commands, so both enforce the same rules.</summary>
public static class StaffIdentity
{
    public const int MaxFailedAccessAttempts = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public static void Configure(IdentityOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.User.RequireUniqueEmail = true;
        o.Password.RequiredLength = 14;
        o.Password.RequiredUniqueChars = 6;
        o.Password.RequireDigit = true;
        o.Password.RequireLowercase = true;
        o.Password.RequireUppercase = true;
        o.Password.RequireNonAlphanumeric = true;
        o.Lockout.AllowedForNewUsers = true;
        o.Lockout.MaxFailedAccessAttempts = MaxFailedAccessAttempts;
        o.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
        o.SignIn.RequireConfirmedAccount = false;
        o.Tokens.AuthenticatorTokenProvider = TokenOptions.DefaultAuthenticatorProvider;
    }

    /// <summary>Registers the main database and Identity's user and role managers without the cookie handlers (for the CLI).</summary>
    public static IServiceCollection AddStaffIdentityCore(this IServiceCollection services, VigilStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        services.AddLogging();
        services.AddScoped<VigilDb>(_ => store.CreateContext());
        services.AddIdentityCore<StaffUser>(Configure)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<VigilDb>()
            .AddTokenProvider<AuthenticatorTokenProvider<StaffUser>>(TokenOptions.DefaultAuthenticatorProvider);
        return services;
    }
}
