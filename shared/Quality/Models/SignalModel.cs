namespace Refinery.Quality.Models;

/// <summary>A trained model behind one or more RPv2 substitute signals. Immutable after construction, so one
/// instance serves any number of threads.</summary>
public abstract class SignalModel(ModelHeader header)
{
    public ModelHeader Header { get; private set; } = header;

    /// <summary>Sets the content-derived version; builders call it once, before the model is shared.</summary>
    internal void StampVersion() => Header = Header with { Version = SignalModelFile.ContentVersion(Header, this) };

    /// <summary>Writes the kind-specific payload (little-endian binary); must be deterministic.</summary>
    internal abstract void WritePayload(BinaryWriter writer);
}
