using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Models;
using Refinery.Quality.Models;
using Refinery.Signals.Options;
using Refinery.Storage;

namespace Refinery.Signals.Resources;

/// <summary>The substitute models for the model-based signals, when <see cref="SignalsOptions.Models"/> is on: the newest
/// version of each under <c>models/signals/</c> in the object store, loaded once per process on first use.</summary>
public sealed class SignalModels(IObjectStore store, IOptions<SignalsOptions> options, ILogger<SignalModels> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ModelSignalSet? _models;

    /// <summary>Null when the service computes the exact signals only.</summary>
    public async Task<ModelSignalSet?> GetAsync(CancellationToken ct)
    {
        if (!options.Value.Models) return null;
        if (_models is { } loaded) return loaded;
        await _gate.WaitAsync(ct);
        try
        {
            if (_models is null)
            {
                var models = await SignalModelRepository.LoadLatestAsync(store, ct);
                if (models.Count == 0)
                    logger.LogWarning("Refinery:Signals:Models is on but {Prefix} holds no models; model signals will be null",
                        ModelKeys.SignalsPrefix);
                foreach (var m in models)
                    logger.LogInformation("Loaded signal model {Kind} {Name} ({Language}) {Version}",
                        m.Header.Kind, m.Header.Name, m.Header.Language, m.Header.Version);
                _models = new ModelSignalSet(models);
            }
            return _models;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Each model's version, recorded with the signal shard next to the word-list versions.</summary>
    public static IReadOnlyDictionary<string, string> Versions(ModelSignalSet models) =>
        models.Models.ToDictionary(m => $"model:{m.Header.Kind}/{m.Header.Name}/{m.Header.Language}", m => m.Header.Version);
}
