using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Refinery.Signals.Consumers;
using Refinery.Signals.Options;

namespace Refinery.Signals.Tests.Consumers;

public sealed class RegistrationTests
{
    [Fact]
    public void Endpoint_IsTheServicePrefixedQueue() =>
        Assert.Equal("signals-corpus-shard-ingested",
            ((IConsumerDefinition)new CorpusShardIngestedConsumerDefinition(Microsoft.Extensions.Options.Options.Create(new SignalsOptions())))
                .GetEndpointName(KebabCaseEndpointNameFormatter.Instance));

    [Fact]
    public void Endpoint_TakesAsManyShardsAtOnceAsItHasComputeSlots()
    {
        var definition = new CorpusShardIngestedConsumerDefinition(Microsoft.Extensions.Options.Options.Create(new SignalsOptions { MaxConcurrency = 3 }));

        Assert.Equal(3, ((IConsumerDefinition)definition).ConcurrentMessageLimit);
    }

    [Fact]
    public void Defaults_ComputeOneDocumentPerCore_UnderTheRpv2Tag()
    {
        var options = new SignalsOptions();

        Assert.Equal((Environment.ProcessorCount, "rpv2"), (options.MaxConcurrency, options.Config));
    }

    [Theory]
    [InlineData("Refinery:Signals:Config", "Has Spaces")]
    [InlineData("Refinery:Signals:Config", "with.dot")]
    [InlineData("Refinery:Signals:MaxConcurrency", "0")]
    [InlineData("Refinery:Signals:MaxQuarantinedFraction", "1.5")]
    public async Task InvalidOptions_StopTheHostAtStart(string key, string value)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "refinery-signals-options-" + Guid.NewGuid().ToString("N"));
        using var host = SignalsTestHost.Build(dataDir, new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(key.Split(':')[^1], string.Join(" ", error.Failures));
    }
}
