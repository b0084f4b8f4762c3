using Refinery.Ingestion.Language;
using Refinery.Ingestion.Options;

namespace Refinery.Ingestion.Tests.Language;

/// <summary>Both detectors over the default languages, built once for a test class (Lingua's costs seconds and ~1 GB).</summary>
public sealed class DetectorFixture
{
    public DetectorFixture()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = DateTime.UtcNow;
        _fast = new LanguageIdentifier(new IngestionOptions().Languages, detector: LanguageDetectorKind.Fast);
        FastLoadTime = DateTime.UtcNow - started;
        FastManagedBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        Lingua = new Lazy<LanguageIdentifier>(() => new LanguageIdentifier(new IngestionOptions().Languages, detector: LanguageDetectorKind.Lingua));
    }

    private readonly LanguageIdentifier _fast;
    public Lazy<LanguageIdentifier> Lingua { get; }
    public long FastManagedBytes { get; }
    public TimeSpan FastLoadTime { get; }

    public LanguageIdentifier Of(LanguageDetectorKind kind) => kind == LanguageDetectorKind.Fast ? _fast : Lingua.Value;
}
