using MassTransit;

namespace Refinery.Hosting.Bus;

/// <summary>Kebab-case, service-prefixed queue names (DESIGN §7 rule 1): "ingestion-ingest-corpus".</summary>
public static class EndpointNames
{
    public static string For<TMessage>(string service) => For(service, typeof(TMessage));

    public static string For(string service, Type messageType) =>
        $"{service.ToLowerInvariant()}-{KebabCaseEndpointNameFormatter.Instance.SanitizeName(messageType.Name)}";
}
