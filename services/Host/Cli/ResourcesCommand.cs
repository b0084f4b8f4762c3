using System.CommandLine;

namespace Refinery.Host.Cli;

/// <summary>`refinery resources …`: the resources the signals need (model files, word lists).</summary>
public static class ResourcesCommand
{
    public static Command Create() => new("resources", "Build or fetch the resources quality signals use")
    {
        ResourcesBuildCommand.Create(),
        ResourcesFetchCommand.Create(),
    };
}
