using System.Net;

namespace Refinery.Gateway.Tests;

/// <summary>Once any key is configured, reads need one too unless reads are opened explicitly; without keys (the
/// embedded demo) they stay open.</summary>
public sealed class DefaultReadAccessTests(DefaultReadsGateway keyed) : IClassFixture<DefaultReadsGateway>
{
    [Theory]
    [InlineData("/api/corpora")]
    [InlineData("/api/datasets/web/versions")]
    [InlineData("/api/corpora/web/dedup")]
    public async Task WithKeysConfigured_AReadWithoutAKey_Is401_AndWithAReaderKey_IsNot(string path)
    {
        using var anonymous = keyed.Client();
        using var reader = keyed.Client(GatewayTestHost.ReaderKey);

        using var refused = await anonymous.GetAsync(path);
        using var allowed = await reader.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(HttpStatusCode.Unauthorized, allowed.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, allowed.StatusCode);
    }
}

public sealed class OpenReadsWithoutKeysTests(AnonymousWritesGateway keyless) : IClassFixture<AnonymousWritesGateway>
{
    [Fact]
    public async Task WithoutKeys_ReadsStayOpen()
    {
        using var anonymous = keyless.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/corpora")).StatusCode);
    }
}
