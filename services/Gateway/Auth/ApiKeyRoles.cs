using Refinery.Contracts.Options;

namespace Refinery.Gateway.Auth;

/// <summary>A configured key's role (Refinery:ApiKeys:N:Role, bound from its name): admin ⊇ writer ⊇ reader.</summary>
public enum ApiKeyRole { Reader, Writer, Admin }

/// <summary>The roles' names, which the role claims carry and the policies are named after: admin ⊇ writer ⊇ reader.</summary>
public static class ApiKeyRoles
{
    public const string Reader = "reader";
    public const string Writer = "writer";
    public const string Admin = "admin";

    public static IReadOnlyList<string> All => OptionValues<ApiKeyRole>.Names;

    public static string NameOf(ApiKeyRole role) => OptionValues<ApiKeyRole>.NameOf(role);

    /// <summary>The roles that satisfy a policy: a policy is met by its own role and every stronger one.</summary>
    public static string[] Satisfying(string policy) => policy switch
    {
        Reader => [Reader, Writer, Admin],
        Writer => [Writer, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown policy"),
    };
}
