using System.Runtime.CompilerServices;
using System.Text;

namespace Refinery.Host.Cli;

/// <summary>Reads text/event-stream frames (event name and joined data lines); comments are skipped.</summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<(string Type, string Data)> ReadAsync(Stream stream,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string type = "message";
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0) yield return (type, data.ToString());
                type = "message";
                data.Clear();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0) data.Append('\n');
                data.Append(line.AsSpan(5).TrimStart(' '));
            }
        }
    }
}
