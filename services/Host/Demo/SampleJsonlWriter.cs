using System.Text.Encodings.Web;
using System.Text.Json;

namespace Refinery.Host.Demo;

/// <summary>Writes one sample source as JSONL: one object a line, `id`, `text`, `url` (null), `source`, then the
/// source's metadata fields. Writes to a temporary file and moves it into place on <see cref="CompleteAsync"/>,
/// so a killed run never leaves a half file under the final name. Same input, same bytes.</summary>
internal sealed class SampleJsonlWriter : IAsyncDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Keep non-ASCII text readable (UDHR in many scripts); still valid, still deterministic.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private bool _completed;

    public SampleJsonlWriter(string path, string source)
    {
        _path = path;
        Source = source;
        _temp = $"{path}.partial-{Guid.NewGuid():N}";
        _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        _json = new Utf8JsonWriter(_stream, Options);
    }

    public string Source { get; }
    public int Documents { get; private set; }

    /// <summary>Writes one document; <paramref name="metadata"/> adds fields after `source`.</summary>
    public async Task WriteAsync(string id, string text, Action<Utf8JsonWriter> metadata, CancellationToken ct)
    {
        if (!_ids.Add(id))
            throw new InvalidDataException($"{Path.GetFileName(_path)}: duplicate document id '{id}'");
        _json.WriteStartObject();
        _json.WriteString("id", id);
        _json.WriteString("text", WellFormed(text));
        _json.WriteNull("url");
        _json.WriteString("source", Source);
        metadata(_json);
        _json.WriteEndObject();
        await _json.FlushAsync(ct);
        _stream.WriteByte((byte)'\n');
        _json.Reset();
        Documents++;
    }

    /// <summary>Flushes and moves the file into place.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        await _json.FlushAsync(ct);
        await _stream.FlushAsync(ct);
        await _json.DisposeAsync();
        await _stream.DisposeAsync();
        File.Move(_temp, _path, overwrite: true);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_completed) return;
        await _json.DisposeAsync();
        await _stream.DisposeAsync();
        File.Delete(_temp);
    }

    /// <summary>Lone surrogates cannot be written as UTF-8; they become U+FFFD like any other undecodable text.</summary>
    private static string WellFormed(string text)
    {
        if (!HasLoneSurrogate(text)) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) i++;
            else if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else return true;
        }
        return false;
    }
}
