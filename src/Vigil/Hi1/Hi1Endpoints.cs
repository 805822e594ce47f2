using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Hi1;

/// <summary>Registers HI-1 intake in the server: <c>POST /hi1/v1</c>.</summary>
public static class Hi1Endpoints
{
    public const string Route = "/hi1/v1";

    public static IServiceCollection AddHi1(this IServiceCollection services)
    {
        services.AddSingleton<Hi1Intake>();
        return services;
    }

    public static RouteHandlerBuilder MapHi1(this IEndpointRouteBuilder app) =>
        app.MapPost(Route, async (HttpContext ctx, Hi1Intake intake, CancellationToken ct) =>
        {
            var reply = await intake.HandleAsync(ctx.Request.ContentType, ctx.Request.ContentLength, ctx.Request.Body, ctx.Connection.ClientCertificate, ct);
            ctx.Response.StatusCode = reply.Status;
            ctx.Response.ContentType = reply.ContentType;
            await ctx.Response.Body.WriteAsync(reply.Body, ct);
        })
        // AllowAnonymous at the ASP.NET level only: authorities have no cookie or API key. Every request is authenticated
        // by Hi1Intake itself (JWS signed with a registered, valid key of the sending authority, or an unsigned message over
        // mutual TLS with its registered client certificate; either way a fresh timestamp and an unused nonce) and anything
        // else is refused and written to the ledger.
        .AllowAnonymous()
        .ExcludeFromDescription();
}
