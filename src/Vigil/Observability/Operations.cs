using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Vigil.Platforms;

namespace Vigil.Observability;

/// <summary>Wires the operations features into <c>vigil serve</c>: metrics, per-platform limits, the API reference.</summary>
public static class Operations
{
    /// <summary>Configuration key (also an environment variable) for the server-wide cap on any platform's body limit.</summary>
    public const string ServerMaxBodyBytesKey = "VIGIL_SERVER_MAX_BODY_BYTES";

    /// <summary>The meters exported on <c>/metrics</c>, besides every "Vigil.*" meter.</summary>
    public static readonly IReadOnlyList<string> FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Runtime",
    ];

    public static IServiceCollection AddVigilOperations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var cap = configuration[ServerMaxBodyBytesKey];
        var options = new PlatformLimitsOptions();
        if (!string.IsNullOrWhiteSpace(cap))
        {
            options = long.TryParse(cap, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes) && bytes >= PlatformLimitsOptions.MinBodyBytes
                ? new PlatformLimitsOptions { ServerMaxBodyBytes = bytes }
                : throw new FormatException($"{ServerMaxBodyBytesKey} must be a whole number of bytes, at least {PlatformLimitsOptions.MinBodyBytes}, not '{cap}'");
        }
        services.AddSingleton(options);
        services.AddPlatformRateLimits();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<DeskMetrics>();
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter("Vigil.*")
            .AddMeter([.. FrameworkMeters])
            .AddPrometheusExporter());
        services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, MetricsTokenAuthenticationHandler>(MetricsTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(MetricsTokenAuthenticationHandler.Policy, p => p
                .AddAuthenticationSchemes(MetricsTokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(MetricsTokenAuthenticationHandler.TokenNameClaim));
        services.AddVigilOpenApiDetails();
        return services;
    }

    /// <summary>Maps <c>/metrics</c> (scrape token) and <c>/docs/api</c> (staff), and starts the desk gauge.</summary>
    public static void MapVigilOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The gauge is registered with the meter when the singleton is built.
        app.Services.GetRequiredService<DeskMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(MetricsTokenAuthenticationHandler.Policy);
        app.MapApiReference();
    }
}
