using System.IO.Compression;
using System.Text.Json;

namespace Refinery.Host.Dedup;

/// <summary>One document-level signal per document id, read from signal files as `refinery signals` writes them (the
/// golden JSONL layout) or as RedPajama-V2 publishes them (`.signals.json.gz`): both hold
/// <c>"quality_signals": {name: [[start, end, value]]}</c>. A null value or a missing document gives no entry.</summary>
public static class SignalValues
{
    public static async Task<Dictionary<string, double>> ReadAsync(IEnumerable<string> paths, string signal, CancellationToken ct)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            await using var file = File.OpenRead(path);
            var head = new byte[2];
            var gzip = await file.ReadAsync(head, ct) == 2 && head[0] == 0x1F && head[1] == 0x8B;
            file.Position = 0;
            using var reader = new StreamReader(gzip ? new GZipStream(file, CompressionMode.Decompress) : file);
            long number = 0;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                number++;
                if (string.IsNullOrWhiteSpace(line)) continue;
                try
                {
                    using var record = JsonDocument.Parse(line);
                    var root = record.RootElement;
                    var id = root.GetProperty("id").GetString()!;
                    if (!root.GetProperty("quality_signals").TryGetProperty(signal, out var spans)) continue;
                    if (spans.ValueKind != JsonValueKind.Array || spans.GetArrayLength() == 0) continue;
                    var value = spans[0][2];
                    if (value.ValueKind == JsonValueKind.Number) values[id] = value.GetDouble();
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
                {
                    throw new InvalidDataException($"{path}:{number}: not a signals record with id and quality_signals ({ex.Message})", ex);
                }
            }
        }
        return values;
    }
}
