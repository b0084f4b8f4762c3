namespace Refinery.Host.Embedded;

/// <summary>How the command line reports an ingestion that failed for good: the corpus, the step that failed when the
/// event or the gateway names it (older ones do not), and the reason.</summary>
public static class IngestionFailures
{
    public static InvalidOperationException Of(string corpus, string? step, string? reason) => new(string.IsNullOrEmpty(step)
        ? $"Ingestion of '{corpus}' failed: {reason}"
        : $"Ingestion of '{corpus}' failed at step '{step}': {reason}");
}
