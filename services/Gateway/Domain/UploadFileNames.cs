namespace Refinery.Gateway.Domain;

/// <summary>Turns a file name sent by a client into the last segment of a raw object key: directories are
/// stripped (a client may send "a/b/x.jsonl" or worse), and names that are empty, dot-only, too long or contain
/// control characters are refused.</summary>
public static class UploadFileNames
{
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
        foreach (var c in fileName)
        {
            if (char.IsControl(c))
            {
                problem = "the file name contains a control character";
                return null;
            }
        }
        var name = fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        if (name.Length == 0) problem = "the file name is empty once its directories are removed";
        else if (name is "." or ".." || name.Contains("..", StringComparison.Ordinal)) problem = "the file name must not contain '..'";
        else if (name.Length > MaxLength) problem = $"the file name is longer than {MaxLength} characters";
        else if (name.Length >= 2 && name[1] == ':') problem = "the file name must not name a drive";
        return problem is null ? name : null;
    }
}
