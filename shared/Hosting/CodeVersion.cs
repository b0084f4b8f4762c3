using System.Reflection;

namespace Refinery.Hosting;

/// <summary>The code's version and git commit as the build stamped them ("1.0.0+abc123…"), for the lineage records
/// every service writes (dataset manifests, training lineage). All projects are built together, so this assembly's
/// stamp is the process's.</summary>
public static class CodeVersion
{
    public static (string Version, string? Commit) Current()
    {
        var informational = typeof(CodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        return plus < 0 ? (informational, null) : (informational[..plus], informational[(plus + 1)..]);
    }
}
