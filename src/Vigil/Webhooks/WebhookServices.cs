using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Webhooks;

/// <summary>Registration of the webhook dispatcher in the server.</summary>
public static class WebhookServices
{
    /// <summary>
    /// Adds <see cref="WebhookDispatcher"/> as a hosted service with its HTTP client (no redirects, no cookies, no
    /// request logging), its options and its meter. Needs the server's <c>VigilStore</c>, <c>LedgerLog</c>,
    /// <c>TimeProvider</c> and data protection.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, Action<WebhookOptions>? configure = null)
    {
        var builder = services.AddOptions<WebhookOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        services.AddMetrics();
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                // DNS changes of a platform's host are picked up.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The dispatcher enforces its own timeout on the injected clock.
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton<WebhookMetrics>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }
}
