using System.Net;

namespace Refinery.Gateway.Tests;

/// <summary>A refused write leaves nothing behind: every field is checked before the first row is recorded or the first
/// command sent (the probe's dedup with a newline in its name sent its command, then answered 500).</summary>
public sealed class RefusedWriteTests(HostileGateway gateway) : IClassFixture<HostileGateway>
{
    [Theory]
    [InlineData("/api/corpora/{0}/dedup", """{"threshold":0.8}""")]
    [InlineData("/api/corpora/marker/dedup", """{"threshold":0.8,"keep":"max:rps\n"}""")]
    [InlineData("/api/corpora/marker/dedup", """{"threshold":0.8,"falsePositiveRate":"NaN"}""")]
    [InlineData("/api/datasets/{0}/versions", """{"corpora":["web"],"recipe":"none"}""")]
    [InlineData("/api/datasets/marker/versions", """{"corpora":["web",null],"recipe":"none"}""")]
    [InlineData("/api/datasets/marker/versions", """{"corpora":["web"],"recipe":"none","description":"a\u0000b"}""")]
    [InlineData("/api/datasets/{0}/mixtures", """{"components":[{"dataset":"base","version":"0123456789ab","weight":1}],"tokenBudget":100}""")]
    [InlineData("/api/datasets/marker/mixtures", """{"components":[null],"tokenBudget":100}""")]
    [InlineData("/api/datasets/marker/mixtures", """{"components":[{"dataset":"base\n","version":"0123456789ab","weight":1}],"tokenBudget":100}""")]
    [InlineData("/api/training/jobs", """{"stages":[{"dataset":"base","version":"0123456789ab","tokens":100}],"hyperparameters":{"learningRate":"NaN"}}""")]
    [InlineData("/api/training/jobs", """{"kind":"pretrain","baseModel":{"job":"0123456789ab"},"stages":[{"dataset":"base","version":"0123456789ab","tokens":100}]}""")]
    [InlineData("/api/training/jobs", """{"stages":[{"dataset":"base\n","version":"0123456789ab","tokens":100}]}""")]
    public async Task ARefusedWrite_RecordsNothing_AndSendsNoCommand(string url, string body)
    {
        await gateway.PreparedAsync();
        var (dedups, versions, mixtures) = (gateway.Sent.Dedup.Count, gateway.Sent.Datasets.Count, gateway.Sent.Mixtures.Count + gateway.Sent.Training.Count);
        var rows = await gateway.RecordedRowsAsync();
        var client = gateway.Client(GatewayTestHost.WriterKey);

        using var refused = await client.PostAsync(string.Format(url, "web%0A"), HostileGateway.JsonBody(body));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(rows, await gateway.RecordedRowsAsync());
        // A valid write to the same queue after it: once its command has arrived, one sent before it would have too.
        var marker = url.Replace("{0}", "marker", StringComparison.Ordinal);
        var valid = url.Contains("dedup", StringComparison.Ordinal) ? """{"threshold":0.9}"""
            : url.Contains("versions", StringComparison.Ordinal) ? """{"corpora":["web"],"recipe":"none"}"""
            : url.Contains("training", StringComparison.Ordinal) ? """{"stages":[{"dataset":"base","version":"0123456789ab","tokens":100}]}"""
            : """{"components":[{"dataset":"base","version":"0123456789ab","weight":1}],"tokenBudget":100}""";
        using var accepted = await client.PostAsync(marker, HostileGateway.JsonBody(valid));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Total() == dedups + versions + mixtures && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(dedups + versions + mixtures + 1, Total());
    }

    private int Total() => gateway.Sent.Dedup.Count + gateway.Sent.Datasets.Count + gateway.Sent.Mixtures.Count + gateway.Sent.Training.Count;
}
