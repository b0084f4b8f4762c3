using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Refinery.Gateway.Auth;

/// <summary>A request that presents a key which authentication refused is answered here, on every route: an anonymous
/// read does not silently ignore a wrong key (the client should learn its key is wrong), and a throttled address gets
/// 429 whatever route it tries.</summary>
public static class PresentedKeyCheck
{
    public static IApplicationBuilder UsePresentedKeyCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Authentication runs lazily for anonymous endpoints; run it here so every presented key is checked.
        if (ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null || context.Request.Query.ContainsKey(ReadTickets.QueryName))
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.AuthenticateAsync(context, ApiKeyAuthenticationHandler.SchemeName);
        // A refused key or ticket (401) or a throttled address (429) is answered by the scheme's challenge, as on routes
        // that need a key.
        if (context.Items.ContainsKey(ApiKeyAuthenticationHandler.RefusalItem))
        {
            await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(context, ApiKeyAuthenticationHandler.SchemeName);
            return;
        }
        await next(context);
    });
}
