using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Vigil.Accounts;
using Vigil.Platforms;

namespace Vigil.Observability;

/// <summary>
/// Completes the OpenAPI document: the two ways in (a platform's API key as a bearer token, a staff member's sign-in
/// cookie) as security schemes, and on each operation the scheme its authorization policy accepts.
/// </summary>
public static class OpenApiSecurity
{
    public const string PlatformScheme = "platformKey";
    public const string StaffScheme = "staffCookie";

    public static IServiceCollection AddVigilOpenApiDetails(this IServiceCollection services) =>
        services.Configure<OpenApiOptions>("v1", o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Vigil API";
                doc.Info.Description =
                    "Platforms send content events with an API key (`Authorization: Bearer vgl_...`), rate-limited per platform; " +
                    "staff endpoints need a signed-in staff session (password and two-factor code).";
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
                doc.Components.SecuritySchemes[PlatformScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "vgl_<key id>_<secret>",
                    Description = "A platform API key from `vigil platform add` / `add-key`.",
                };
                doc.Components.SecuritySchemes[StaffScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Cookie,
                    Name = Server.VigilServer.CookieName,
                    Description = "The staff sign-in cookie set by /login after the password and the two-factor code.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var policies = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
                string? scheme = policies.Contains(PlatformKeyAuthenticationHandler.Policy) ? PlatformScheme
                    : policies.Any(p => p is not null && (p == StaffRoles.AnyStaff || StaffRoles.All.Contains(p))) ? StaffScheme
                    : null;
                if (scheme is not null)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] });
                }
                return Task.CompletedTask;
            });
        });
}
