using System.IO.Compression;
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

    /// <summary>Formats each record as bytes into one reused buffer and writes it synchronously: the file stream buffers
    /// 64 KB, so most writes are a copy, and no write queues thread-pool work per document.</summary>
    private sealed class JsonLinesSink : ISignalSink
    {
        private readonly Stream _file;
        private readonly Stream _output;
        private readonly bool _release;
        private readonly JsonLineBuffer _line = new(1 << 16);

        public JsonLinesSink(Stream file, bool release)
        {
            _file = file;
            _release = release;
            // RPv2 publishes its signal files gzip-compressed; the golden-format JSONL stays plain.
            _output = release ? new GZipStream(file, CompressionLevel.Optimal) : file;
        }

        public ValueTask WriteAsync(DocumentSignals signals, SignalDocument document, CancellationToken ct)
        {
            ct.ThrowIfCancellationRequested();
            _line.Clear();
            Rpv2JsonFormat.Write(_line, signals, _release ? new ReleaseMetadata(document.Url, document.Language) : null);
            _line.Append((byte)'\n');
            _output.Write(_line.Span);
            return ValueTask.CompletedTask;
        }

        public Task CompleteAsync(CancellationToken ct)
        {
            _output.Flush();
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await _output.DisposeAsync();
            await _file.DisposeAsync();
        }
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
