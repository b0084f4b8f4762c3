namespace Refinery.Gateway.Auth;

/// <summary>The three roles and the policies named after them: admin ⊇ writer ⊇ reader.</summary>
public static class ApiKeyRoles
{
    public const string Reader = "reader";
    public const string Writer = "writer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Reader, Writer, Admin];

    public static bool IsKnown(string? role) => role is not null && All.Contains(role, StringComparer.OrdinalIgnoreCase);

    /// <summary>The roles that satisfy a policy: a policy is met by its own role and every stronger one.</summary>
    public static string[] Satisfying(string policy) => policy switch
    {
        Reader => [Reader, Writer, Admin],
        Writer => [Writer, Admin],
        Admin => [Admin],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown policy"),
    };
}
