using MassTransit;
using Refinery.Contracts;
using Refinery.Curation.Consumers;
using Refinery.TestSupport;

namespace Refinery.Curation.Tests;

/// <summary>The curation service on the shared <see cref="ServiceTestHost"/>, with every consumer of the service.</summary>
public static class CurationTestHost
{
    public static Task<ServiceTestHost> StartAsync() =>
        ServiceTestHost.StartAsync("curation", new Dictionary<string, string?> { ["Refinery:Curation:MaxConcurrency"] = "2" },
            b => b.AddCurationService(),
            CurationServiceExtensions.AddConsumers,
            // A version asks the Dedup service for clusters nobody has made yet.
            otherServicesQueues: new HashSet<string> { CommandQueues.DeduplicateCorpus });
}
