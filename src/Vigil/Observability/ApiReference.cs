extern alias ScalarApiReference;

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ScalarApiReference::Scalar.AspNetCore;
using Vigil.Accounts;

namespace Vigil.Observability;

/// <summary>
/// The browsable API reference at <c>/docs/api</c> (staff only): Scalar's page over <c>/openapi/v1.json</c>. Scalar
/// serves its script from resources embedded in its assembly, so the page works with no network; its CDN fonts,
/// telemetry, AI agent and MCP features are switched off, and the page's CSP allows only this origin.
/// </summary>
public static class ApiReference
{
    public const string Route = "/docs/api";

    public static IEndpointConventionBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        // A group so the conventions below reach Scalar's asset endpoints too: it maps them anonymous, but the whole
        // reference is for staff (and every route must name its policy).
        var group = app.MapGroup("");
        group.MapScalarApiReference(Route, o => o
                .WithTitle("Vigil API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                .WithNonce()
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .ExpandAllTags());
        group.RequireAuthorization(StaffRoles.AnyStaff);
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            for (int i = endpoint.Metadata.Count - 1; i >= 0; i--)
            {
                if (endpoint.Metadata[i] is IAllowAnonymous)
                {
                    endpoint.Metadata.RemoveAt(i);
                }
            }
        });
        return group;
    }

    /// <summary>
    /// For responses under <see cref="Route"/>: replaces the site-wide CSP with one that admits the page's nonce'd
    /// scripts and the inline styles its components set, still from 'self' only. Called by the header middleware.
    /// </summary>
    public static void UseContentSecurityPolicy(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        if (!ctx.Request.Path.StartsWithSegments(Route, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        ctx.Response.OnStarting(() =>
        {
            // Scalar stores the per-request nonce it put on its script tags here.
            var script = ctx.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var n) && n is string nonce && nonce.Length > 0
                ? $"script-src 'self' 'nonce-{nonce}'"
                : "script-src 'self'";
            ctx.Response.Headers.ContentSecurityPolicy =
                $"default-src 'self'; {script}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
                "worker-src 'self' blob:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";
            return Task.CompletedTask;
        });
    }
}
