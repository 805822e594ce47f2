using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Accounts;
using Vigil.Ledger;
using Vigil.Storage;

namespace Vigil.Pipeline;

/// <summary>Registers the detection pipeline in <c>vigil serve</c> and maps its APIs.</summary>
public static class DetectionPipeline
{
    public const string RulesStatusRoute = "/api/v1/rules/status";

    /// <summary>Authorization policy of the rules status: trust-and-safety leads and admins.</summary>
    public const string RulesReaderPolicy = "rules_reader";

    /// <summary>Adds the worker and what it needs; configure <see cref="PipelineOptions"/> before the host starts.</summary>
    public static IServiceCollection AddDetectionPipeline(this IServiceCollection services, VigilStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton<PipelineOptions>();
        services.AddSingleton<PipelineNotifier>();
        services.AddSingleton(sp => new PipelineMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton(sp => new PipelineRules(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<LedgerLog>(), sp.GetService<ILogger<PipelineRules>>()));
        services.AddSingleton(sp => new DetectionProcessor(store, sp.GetRequiredService<PipelineRules>(), sp.GetRequiredService<PipelineOptions>(),
            sp.GetRequiredService<LedgerLog>(), sp.GetRequiredService<PipelineMetrics>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<DetectionProcessor>>()));
        services.AddSingleton<DetectionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionWorker>());
        services.AddAuthorizationBuilder().AddPolicy(RulesReaderPolicy, p => p.RequireRole(StaffRoles.TrustAndSafetyLead, StaffRoles.Admin));
        return services;
    }

    /// <summary>Maps <c>POST /api/v1/reports</c> (platforms) and <c>GET /api/v1/rules/status</c> (T&amp;S leads, admins).</summary>
    public static IEndpointRouteBuilder MapDetectionPipeline(this IEndpointRouteBuilder app)
    {
        app.MapReports();
        app.MapGet(RulesStatusRoute, (PipelineRules rules) => Results.Json(RulesStatusBody(rules.Status)))
            .RequireAuthorization(RulesReaderPolicy);
        return app;
    }

    private static Dictionary<string, object?> RulesStatusBody(RulesStatus s) => new Dictionary<string, object?>
    {
        ["folder"] = s.Folder,
        ["version"] = s.Active?.Version,
        ["loaded_at"] = s.Active?.LoadedAt,
        ["rule_count"] = s.Active?.Rules.Count,
        ["rule_ids"] = s.Active?.Rules.RuleIds,
        ["last_error_at"] = s.LastErrorAt,
        ["last_errors"] = s.LastErrors,
    };
}
