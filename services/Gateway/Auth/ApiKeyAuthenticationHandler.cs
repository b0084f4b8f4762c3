using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Auth;

/// <summary>Authenticates a request by its API key (header X-Api-Key, or Authorization: Bearer). Challenges and
/// refusals are problem details that say what to send or configure. Keys are never logged.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyRing ring,
    FailedAuthentications failures,
    ReadTickets tickets,
    IOptions<GatewayOptions> gateway)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>The name of a client without a key where anonymous writes are allowed.</summary>
    public const string AnonymousName = "anonymous";

    /// <summary>Set on a request whose presented key was refused ("invalid") or whose address is throttled
    /// ("throttled"): <see cref="PresentedKeyCheck"/> answers it on every route, anonymous ones included.</summary>
    public const string RefusalItem = "refinery.auth.refusal";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedKey(Request);
        if (presented is null && Request.Query[ReadTickets.QueryName].FirstOrDefault() is { } ticket)
            return Task.FromResult(AuthenticateTicket(ticket));
        if (presented is null)
        {
            return Task.FromResult(gateway.Value.AllowAnonymousWrites
                ? Success(AnonymousName, ApiKeyRoles.Writer)
                : AuthenticateResult.NoResult());
        }
        if (Throttled() is { } throttled) return Task.FromResult(throttled);
        if (ring.RoleOf(presented) is not { } role)
        {
            Logger.LogInformation("Refused API key {KeyFingerprint}: it matches no configured key", ApiKeyRing.Fingerprint(presented));
            return Task.FromResult(Refused("The API key is not valid"));
        }
        return Task.FromResult(Success(ApiKeyRing.Fingerprint(presented), role));
    }

    /// <summary>A read ticket stands for a reader key on GET requests only; anything else with a ticket is refused.</summary>
    private AuthenticateResult AuthenticateTicket(string ticket)
    {
        if (Throttled() is { } throttled) return throttled;
        return HttpMethods.IsGet(Request.Method) && tickets.Verify(ticket) is { } fingerprint
            ? Success(fingerprint, ApiKeyRoles.Reader, ViaTicket)
            : Refused("The read ticket is not valid");
    }

    /// <summary>The refusal of a request that presents a key or ticket from an address past its refusals; null otherwise.</summary>
    private AuthenticateResult? Throttled()
    {
        if (!failures.IsBlocked(Context.Connection.RemoteIpAddress)) return null;
        Context.Items[RefusalItem] = "throttled";
        return AuthenticateResult.Fail("Too many refused API keys from this address");
    }

    /// <summary>Refuses a presented key or ticket, counting it against the client's address.</summary>
    private AuthenticateResult Refused(string reason)
    {
        failures.Record(Context.Connection.RemoteIpAddress);
        Context.Items[RefusalItem] = "invalid";
        return AuthenticateResult.Fail(reason);
    }

    /// <summary>The authentication method of a request that came with a read ticket, not a key.</summary>
    public const string ViaTicket = "ticket";

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RefusalItem] as string == "throttled")
        {
            Response.Headers.RetryAfter = "60";
            await TypedResults.Problem($"More than {gateway.Value.FailedAuthenticationsPerMinute} refused API keys from this address in a " +
                                       "minute (Refinery:Gateway:FailedAuthenticationsPerMinute); try again later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many refused keys").ExecuteAsync(Context);
            return;
        }
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\", Bearer";
        var presented = Context.Items[RefusalItem] as string == "invalid";
        var detail = ring.IsEmpty && !presented
            ? "No API keys are configured, so writes are refused. Configure one under Refinery:ApiKeys, e.g. the " +
              "environment variables Refinery__ApiKeys__0__Key=<a long random secret> and Refinery__ApiKeys__0__Role=writer " +
              "(roles: reader, writer, admin), then send it in the X-Api-Key header. For a local single-process demo only, " +
              "Refinery:Gateway:AllowAnonymousWrites=true lets requests without a key write."
            : presented
                ? PresentedKey(Request) is not null
                    ? "The API key is not valid."
                    : "The read ticket is not valid (a ticket reads only, on GET requests, and expires)."
                : "This endpoint needs an API key: send it in the X-Api-Key header (or Authorization: Bearer <key>).";
        await TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "API key required")
            .ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirst(ClaimTypes.Role)?.Value ?? "none";
        await TypedResults.Problem(
                $"The API key's role '{role}' may not do this; a key with a stronger role is needed (reader < writer < admin).",
                statusCode: StatusCodes.Status403Forbidden, title: "Role not sufficient")
            .ExecuteAsync(Context);
    }

    /// <summary>The key sent with the request, or null when none was sent.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers[HeaderName].ToString();
        if (!string.IsNullOrWhiteSpace(header)) return header.Trim();
        var authorization = request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && authorization.Length > bearer.Length)
            return authorization[bearer.Length..].Trim();
        return null;
    }

    private AuthenticateResult Success(string name, string role, string method = SchemeName)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(ClaimTypes.AuthenticationMethod, method)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
