using Refinery.Quality.Models;
using Refinery.Storage;

namespace Refinery.Quality.Tests.Models;

public sealed class SignalModelFileTests
{
    private static ModelBuildInputs Inputs(string name) => new()
    {
        Name = name,
        Reference = TestCorpora.WikiText("wikitext2_valid.txt").Take(300).ToList(),
        Web = TestCorpora.LowQualityWeb(),
        CreatedAt = TestCorpora.FixedTime,
        Seed = 11,
    };

    public static TheoryData<string> Kinds => [ModelKinds.LanguageModel, ModelKinds.Classifier, ModelKinds.Dsir];

    private static SignalModel Build(string kind) => kind switch
    {
        ModelKinds.LanguageModel => SignalModelBuilder.BuildLanguageModel(Inputs("ccnet"), new KneserNeyOptions(3)),
        ModelKinds.Classifier => SignalModelBuilder.BuildClassifier(Inputs("palm"), new ClassifierOptions(Buckets: 1 << 16, Epochs: 2)),
        _ => SignalModelBuilder.BuildDsir(Inputs("wikipedia")),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void RoundTrip_WriteReadWrite_IsByteIdentical(string kind)
    {
        var bytes = SignalModelFile.ToBytes(Build(kind));
        var reloaded = SignalModelFile.FromBytes(bytes);
        Assert.Equal(kind, reloaded.Header.Kind);
        Assert.Equal(bytes, SignalModelFile.ToBytes(reloaded));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Training_TwiceWithSameInputsAndSeed_GivesSameBytes(string kind)
    {
        Assert.Equal(SignalModelFile.ToBytes(Build(kind)), SignalModelFile.ToBytes(Build(kind)));
    }

    [Fact]
    public void Read_CorruptedByte_IsDetected()
    {
        var bytes = SignalModelFile.ToBytes(Build(ModelKinds.Dsir));
        foreach (var position in new[] { 20, bytes.Length / 2, bytes.Length - 40, bytes.Length - 1 })
        {
            var corrupted = (byte[])bytes.Clone();
            corrupted[position] ^= 0x01;
            Assert.Throws<InvalidDataException>(() => SignalModelFile.FromBytes(corrupted));
        }
        Assert.Throws<InvalidDataException>(() => SignalModelFile.FromBytes(bytes.AsSpan(0, bytes.Length - 5)));
    }

    [Fact]
    public void ReloadedModel_ScoresLikeTheOriginal()
    {
        var model = (HashedNGramClassifier)Build(ModelKinds.Classifier);
        var reloaded = (HashedNGramClassifier)SignalModelFile.FromBytes(SignalModelFile.ToBytes(model));
        foreach (var text in TestCorpora.BoilerplatePages())
            Assert.Equal(model.Score(text), reloaded.Score(text));
    }

    [Fact]
    public async Task Repository_SavesUnderModelsSignalsAndLoadsTheLatest()
    {
        var root = Path.Combine(Path.GetTempPath(), "refinery-models-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new FileSystemObjectStore(root);
            var model = Build(ModelKinds.Dsir);
            var saved = await SignalModelRepository.SaveAsync(store, model);
            Assert.Equal($"models/signals/wikipedia/{model.Header.Version}/dsir.en.rfsm", saved.Key);
            Assert.Matches("^v[0-9a-f]{12}$", model.Header.Version);
            var loaded = Assert.Single(await SignalModelRepository.LoadLatestAsync(store));
            Assert.Equal(SignalModelFile.ToBytes(model), SignalModelFile.ToBytes(loaded));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
