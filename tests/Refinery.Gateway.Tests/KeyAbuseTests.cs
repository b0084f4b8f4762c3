using System.Net;
using System.Net.Http.Json;

namespace Refinery.Gateway.Tests;

/// <summary>Keys cannot be sidestepped: the write limit follows the authenticated key however it is written, a wrong
/// key is refused even where no key is needed, and guessing keys from one address is throttled.</summary>
public sealed class KeyAbuseTests(KeyAbuseGateway gateway) : IClassFixture<KeyAbuseGateway>
{
    private static HttpContent Body() => JsonContent.Create(new { name = "limited", sources = new[] { new { key = "raw/limited/a.jsonl" } } });

    private HttpClient Bearer(string token)
    {
        var client = gateway.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return client;
    }

    [Fact]
    public async Task PaddingOrSwitchingHeaders_DoesNotBuyMoreWrites()
    {
        using var plain = gateway.Client(GatewayTestHost.AdminKey);
        using var padded = Bearer("   " + GatewayTestHost.AdminKey + "   ");
        using var tabbed = Bearer(GatewayTestHost.AdminKey + "\t");

        var answers = new[]
        {
            await plain.PostAsync("/api/corpora", Body()), await padded.PostAsync("/api/corpora", Body()),
            await tabbed.PostAsync("/api/corpora", Body()),
        };

        Assert.NotEqual(HttpStatusCode.TooManyRequests, answers[0].StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, answers[1].StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[2].StatusCode);
    }

    [Fact]
    public async Task AWrongKey_IsRefusedOnAnonymousReadsToo_WithProblemDetails()
    {
        using var anonymous = gateway.Client();
        using var wrong = gateway.Client("not-a-configured-key-" + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/corpora")).StatusCode);
        using var refused = await wrong.GetAsync("/api/corpora");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not valid", await refused.Content.ReadAsStringAsync());
    }
}

/// <summary>The guessing test has a host of its own: its address ends up throttled.</summary>
public sealed class KeyGuessingTests(KeyAbuseGateway gateway) : IClassFixture<KeyAbuseGateway>
{
    [Fact]
    public async Task GuessingKeys_IsThrottledPerAddress_EvenForTheRightKeyAfterwards_AndKeylessReadsStillWork()
    {
        using var anonymous = gateway.Client();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var guess = gateway.Client($"guess-{i}-0123456789abcdef");
            answers.Add((await guess.GetAsync("/api/corpora")).StatusCode);
        }
        using var right = gateway.Client(GatewayTestHost.WriterKey);
        using var afterwards = await right.PostAsync("/api/corpora", JsonContent.Create(new { name = "x", sources = new[] { new { key = "raw/x/a.jsonl" } } }));

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterwards.StatusCode);
        Assert.Equal("60", afterwards.Headers.GetValues("Retry-After").Single());
        Assert.Contains("FailedAuthenticationsPerMinute", await afterwards.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/corpora")).StatusCode);
    }
}
