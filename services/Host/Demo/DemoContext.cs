using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Host.Embedded;

namespace Refinery.Host.Demo;

/// <summary>What demo stages share: where to work, the running platform, and the result each stage adds.</summary>
public sealed class DemoContext(string dataDir, string cacheDir, bool json, TextWriter output, TextWriter progress)
    : IAsyncDisposable
{
    public const string CorpusName = "sample";

    public string DataDir { get; } = dataDir;
    public string CacheDir { get; } = cacheDir;
    public bool Json { get; } = json;
    public TextWriter Output { get; } = output;
    public DemoProgress Progress { get; } = new(progress, quiet: json);
    public IReadOnlyList<SampleSource> Sources { get; set; } = [];
    public EmbeddedPlatform? Platform { get; set; }
    /// <summary>Prose documents no dataset version holds (<see cref="HeldOutSplit"/>), for comparing the trained models.</summary>
    public IReadOnlyList<string> HeldOut { get; set; } = [];
    /// <summary>The dataset versions the curation stage cut, for the training stage.</summary>
    public List<DatasetVersionCreated> Versions { get; } = [];

    /// <summary>Each stage's machine-readable result, printed as one JSON object with --json.</summary>
    public Dictionary<string, object> Results { get; } = new(StringComparer.Ordinal);

    public void WriteResult()
    {
        if (Json)
            Output.WriteLine(JsonSerializer.Serialize(Results, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    }

    public async ValueTask DisposeAsync()
    {
        if (Platform is not null) await Platform.DisposeAsync();
    }
}

/// <summary>One step of the demo; later issues add theirs to <see cref="DemoStages.All"/>.</summary>
public interface IDemoStage
{
    string Title { get; }
    Task RunAsync(DemoContext context, CancellationToken ct);
}

public static class DemoStages
{
    public static readonly IReadOnlyList<IDemoStage> All =
        [
            new FetchSampleStage(), new IngestSampleStage(), new SignalsSampleStage(), new DedupSampleStage(), new DatasetSampleStage(),
            new TrainingSampleStage(),
        ];
}
