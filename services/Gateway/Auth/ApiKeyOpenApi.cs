using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Refinery.Gateway.Auth;

/// <summary>Shows the API-key scheme in the OpenAPI document, and on each operation the role its policy needs (read
/// from the endpoint's own authorization metadata), so a client and the reference page know which key to send.</summary>
internal static class ApiKeyOpenApi
{
    public static Task DescribeScheme(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key with the role the operation names (reader ⊆ writer ⊆ admin); Authorization: Bearer {key} works too.",
        };
        return Task.CompletedTask;
    }

    public static Task DescribeRequirement(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // The authorization middleware skips every policy of an endpoint that allows anonymous access.
        if (metadata.OfType<IAllowAnonymous>().Any()) return Task.CompletedTask;
        var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        if (roles.Count == 0) return Task.CompletedTask;
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = roles,
        });
        return Task.CompletedTask;
    }
}
