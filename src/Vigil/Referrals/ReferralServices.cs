using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Referrals;

/// <summary>Registration of referrals in the server: the dispatcher (hosted), its HTTP client, options, meter and pages.</summary>
public static class ReferralServices
{
    /// <summary>
    /// Adds the <see cref="ReferralDispatcher"/> as a hosted service with its HTTP client (no redirects, no cookies),
    /// <see cref="ReferralOptions"/> bound from the configuration section <c>Referrals</c> (then
    /// <paramref name="configure"/>), its meter and the platform signing key of the data folder. Needs the server's
    /// <c>VigilStore</c>, <c>LedgerLog</c> and <c>TimeProvider</c>.
    /// </summary>
    public static IServiceCollection AddReferrals(this IServiceCollection services, Action<ReferralOptions>? configure = null)
    {
        var options = services.AddOptions<ReferralOptions>().BindConfiguration(ReferralOptions.Section);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.AddMetrics();
        services.AddHttpClient(ReferralDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The dispatcher enforces its own timeout on the injected clock.
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        // Shared with disclosures: whoever registers it first wins; both load the same key from the data folder.
        services.TryAddSingleton(sp => PlatformSigning.LoadOrCreate(sp.GetRequiredService<VigilStore>().DataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ReferralMetrics>();
        services.AddSingleton<ReferralDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ReferralDispatcher>());
        return services;
    }

    /// <summary>Maps the desk's refer action, the legal officers' referral page and the authority portal's referral pages.</summary>
    public static WebApplication MapReferrals(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        ReferralEndpoints.Map(app);
        return app;
    }
}
