using Refinery.Contracts.Names;

namespace Refinery.Gateway.Domain;

/// <summary>Turns a file name sent by a client into the last segment of a raw object key: directories are
/// stripped (a client may send "a/b/x.jsonl" or worse), and names that are empty, dot-only, too long or contain
/// characters a reader cannot see are refused (<see cref="NameRules.FileName"/>).</summary>
public static class UploadFileNames
{
    /// <summary>The longest name in UTF-8 bytes.</summary>
    public const int MaxLength = 200;

    /// <summary>The safe name, or null with the reason in <paramref name="problem"/>.</summary>
    public static string? Sanitize(string? fileName, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(fileName))
        {
            problem = "the file name is empty";
            return null;
        }
        // The whole name as sent: a control or format character in a directory is as suspect as one in the name.
        if (UnicodeRules.NameProblem(fileName) is { } unicode)
        {
            problem = $"the file name {unicode}";
            return null;
        }
        var name = fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        if (name.Length == 0) problem = "the file name is empty once its directories are removed";
        else if (NameRules.FileName.Problem(name) is { } rule) problem = "the " + rule;
        return problem is null ? name : null;
    }
}
