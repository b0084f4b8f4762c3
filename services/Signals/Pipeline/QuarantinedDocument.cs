using System.Text.Json;
using System.Text.Json.Serialization;

namespace Refinery.Signals.Pipeline;

/// <summary>A document of a shard whose signals could not be computed, with the reason (DESIGN §11: nothing is
/// lost; it is in the signal shard or here).</summary>
public sealed record QuarantinedDocument(
    [property: JsonPropertyName("line")] long Line,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("reason")] string Reason)
{
    public static MemoryStream ToJsonLines(IEnumerable<QuarantinedDocument> documents)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            foreach (var document in documents)
            {
                JsonSerializer.Serialize(writer, document);
                writer.Flush();
                writer.Reset();
                stream.WriteByte((byte)'\n');
            }
        }
        stream.Position = 0;
        return stream;
    }
}
