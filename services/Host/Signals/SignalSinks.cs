using System.IO.Compression;
using System.Text;
using Refinery.Quality.Formats;
using Refinery.Quality.Models;
using Refinery.Quality.Rpv2;

namespace Refinery.Host.Signals;

/// <summary>Where `refinery signals` writes: the golden JSONL layout, RPv2's published .signals.json.gz records,
/// or a Parquet signal file as the service writes it.</summary>
internal interface ISignalSink : IAsyncDisposable
{
    ValueTask WriteAsync(DocumentSignals signals, SignalDocument document, CancellationToken ct);
    Task CompleteAsync(CancellationToken ct);
}

internal static class SignalSinks
{
    public static async Task<ISignalSink> OpenAsync(string path, string format, Rpv2Resources resources, bool withModels, CancellationToken ct)
    {
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        if (format != "parquet") return new JsonLinesSink(file, release: format == "rpv2");
        var info = new SignalFileInfo
        {
            Config = "offline",
            Resources = resources.Versions,
            ExtraSignals = withModels ? ModelSignalSet.SignalNames : [],
        };
        return new ParquetSink(file, await SignalParquetWriter.CreateAsync(file, info, ct: ct));
    }

    private sealed class JsonLinesSink : ISignalSink
    {
        private readonly StreamWriter _writer;
        private readonly bool _release;
        private readonly StringBuilder _line = new(1 << 14);

        public JsonLinesSink(Stream file, bool release)
        {
            _release = release;
            // RPv2 publishes its signal files gzip-compressed; the golden-format JSONL stays plain.
            _writer = new StreamWriter(release ? new GZipStream(file, CompressionLevel.Optimal) : file, new UTF8Encoding(false), 1 << 16);
        }

        public async ValueTask WriteAsync(DocumentSignals signals, SignalDocument document, CancellationToken ct)
        {
            _line.Clear();
            Rpv2JsonFormat.Write(_line, signals, _release ? new ReleaseMetadata(document.Url, document.Language) : null);
            _line.Append('\n');
            await _writer.WriteAsync(_line, ct);
        }

        public Task CompleteAsync(CancellationToken ct) => _writer.FlushAsync(ct);

        public ValueTask DisposeAsync() => _writer.DisposeAsync();
    }

    private sealed class ParquetSink(Stream file, SignalParquetWriter writer) : ISignalSink
    {
        public ValueTask WriteAsync(DocumentSignals signals, SignalDocument document, CancellationToken ct) =>
            writer.WriteAsync(signals, signals.ModelSignals ?? default(ReadOnlyMemory<double>), ct);

        public Task CompleteAsync(CancellationToken ct) => writer.CompleteAsync(ct);

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync();
            await file.DisposeAsync();
        }
    }
}
