using Refinery.Host.Resources;
using Refinery.Quality.Models;

namespace Refinery.Host.Demo;

/// <summary>Substitute models for the model-based signals, built from the sample corpus (speeches and a novel as the
/// reference side, mail as the web side) into the cache, once. The demo and `bench signals` use them; real use builds
/// them from real reference corpora with `refinery resources build`.</summary>
public static class SampleModels
{
    /// <summary>Fixed, so a rebuild from the same samples gives the same model files.</summary>
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string Directory(string cacheDir) => Path.Combine(cacheDir, "models", "sample-v1");

    public static ModelSignalSet Ensure(string cacheDir, IReadOnlyList<SampleSource> sources, Action<string> progress)
    {
        var dir = Directory(cacheDir);
        var existing = SignalModelRepository.LoadLatestFromDirectory(dir);
        if (existing.Count == Plans.Length) return new ModelSignalSet(existing);

        string Source(string name) => sources.FirstOrDefault(s => s.Name == name)?.Path
            ?? throw new InvalidOperationException($"sample source '{name}' is missing from the cache");
        foreach (var plan in Plans)
        {
            progress($"building sample model {plan.Kind} '{plan.Name}'");
            var (reference, refCorpora) = TrainingDocuments.Read("ref", plan.Reference.Select(Source).ToArray());
            var (web, webCorpora) = TrainingDocuments.Read("web", plan.Web.Select(Source).ToArray());
            var inputs = new ModelBuildInputs
            {
                Name = plan.Name, Language = "en", Reference = reference, Web = web,
                Corpora = [.. refCorpora, .. webCorpora], CreatedAt = CreatedAt,
            };
            SignalModel model = plan.Kind switch
            {
                ModelKinds.LanguageModel => SignalModelBuilder.BuildLanguageModel(inputs),
                ModelKinds.Classifier => SignalModelBuilder.BuildClassifier(inputs),
                _ => SignalModelBuilder.BuildDsir(inputs),
            };
            SignalModelRepository.SaveToDirectory(dir, model);
        }
        return new ModelSignalSet(SignalModelRepository.LoadLatestFromDirectory(dir));
    }

    private sealed record Plan(string Kind, string Name, string[] Reference, string[] Web);

    private static readonly Plan[] Plans =
    [
        new(ModelKinds.LanguageModel, "ccnet", ["sotu", "moby-dick"], ["mail-spam", "mail-ham"]),
        new(ModelKinds.Classifier, "wikiref", ["sotu"], ["mail-spam", "mail-ham"]),
        new(ModelKinds.Classifier, "palm", ["sotu", "moby-dick"], ["mail-spam", "mail-ham"]),
        new(ModelKinds.Dsir, "books", ["moby-dick"], ["mail-spam", "mail-ham"]),
        new(ModelKinds.Dsir, "wikipedia", ["sotu"], ["mail-spam", "mail-ham"]),
        new(ModelKinds.Dsir, "openwebtext", ["mail-ham"], ["mail-spam"]),
    ];
}
