using Microsoft.Extensions.Logging.Abstractions;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Options;
using Refinery.Ingestion.Pipeline;
using Refinery.Storage;

namespace Refinery.Ingestion.Tests.Pipeline;

/// <summary>One language identifier for all pipeline tests: building it costs seconds.</summary>
public sealed class LanguageFixture
{
    public Lazy<LanguageIdentifier> Identifier { get; } =
        new(() => new LanguageIdentifier(new IngestionOptions().Languages));
}

/// <summary>A pipeline over a temporary file-system store, removed afterwards.</summary>
public sealed class TempPipeline : IDisposable
{
    public TempPipeline(LanguageFixture languages, IngestionOptions? options = null)
    {
        Store = new FileSystemObjectStore(Root);
        Ingestor = new CorpusIngestor(Store, languages.Identifier, Microsoft.Extensions.Options.Options.Create(options ?? new IngestionOptions()),
            NullLogger<CorpusIngestor>.Instance);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "refinery-pipeline-" + Guid.NewGuid().ToString("N"));
    public FileSystemObjectStore Store { get; }
    public CorpusIngestor Ingestor { get; }

    public async Task<string> UploadAsync(string corpus, string path, string? name = null)
    {
        var key = $"raw/{corpus}/{name ?? Path.GetFileName(path)}";
        await using var file = File.OpenRead(path);
        await Store.PutAsync(key, file);
        return key;
    }

    public async Task<string> UploadAsync(string corpus, string name, byte[] content)
    {
        var key = $"raw/{corpus}/{name}";
        await Store.PutAsync(key, new MemoryStream(content));
        return key;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
