namespace Refinery.Gateway.Domain;

/// <summary>Stages of a corpus as the gateway sees them. Ingested and failed are final until a new submission.</summary>
public static class CorpusStages
{
    public const string Submitted = "submitted";
    public const string Ingesting = "ingesting";
    public const string Ingested = "ingested";
    public const string Failed = "failed";
}
