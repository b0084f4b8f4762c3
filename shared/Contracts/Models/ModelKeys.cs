namespace Refinery.Contracts.Models;

/// <summary>Object keys of the models the services load (DESIGN §6), defined once for whoever writes them (`refinery
/// resources build --put`) and every reader (the signals service): <c>models/{area}/…</c>.</summary>
public static class ModelKeys
{
    /// <summary>The quality-signal models: <c>models/signals/{name}/{version}/{kind}.{language}.rfsm</c>.</summary>
    public const string SignalsPrefix = "models/signals/";

    public const string SignalModelExtension = ".rfsm";

    public static string SignalModel(string name, string version, string kind, string language) =>
        $"{SignalsPrefix}{name}/{version}/{kind}.{language}{SignalModelExtension}";
}
