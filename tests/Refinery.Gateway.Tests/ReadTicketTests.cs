using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Refinery.Gateway.Tests;

/// <summary>Browser clients that cannot send headers read with a short-lived ticket issued for a key: it opens the
/// event stream where reads need a key, never writes, expires, cannot renew itself, and any gateway process with the
/// same keys accepts it.</summary>
public sealed class ReadTicketTests(DefaultReadsGateway gateway, ClosedReadsGateway another)
    : IClassFixture<DefaultReadsGateway>, IClassFixture<ClosedReadsGateway>
{
    private async Task<(string Ticket, DateTimeOffset ExpiresAt, string EventsUrl)> TicketAsync(int? ttl = null)
    {
        using var reader = gateway.Client(GatewayTestHost.ReaderKey);
        var body = await reader.GetFromJsonAsync<JsonElement>("/api/events/ticket" + (ttl is { } t ? $"?ttl={t}" : ""));
        return (body.GetProperty("ticket").GetString()!, body.GetProperty("expiresAt").GetDateTimeOffset(), body.GetProperty("eventsUrl").GetString()!);
    }

    private static async Task<HttpStatusCode> OpenStreamAsync(HttpClient client, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var lines = new StreamReader(stream);
            Assert.Equal(": connected", await lines.ReadLineAsync());
        }
        return response.StatusCode;
    }

    [Fact]
    public async Task ATicket_OpensTheEventStream_WithoutAKeyHeader_OnThisAndAnotherGatewayWithTheSameKeys()
    {
        using var anonymous = gateway.Client();
        var (_, expiresAt, eventsUrl) = await TicketAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await OpenStreamAsync(anonymous, "/api/events"));
        Assert.Equal(HttpStatusCode.OK, await OpenStreamAsync(anonymous, eventsUrl));
        using var elsewhere = another.Client();
        Assert.Equal(HttpStatusCode.OK, await OpenStreamAsync(elsewhere, eventsUrl));
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61));
    }

    [Fact]
    public async Task ATicket_NeverWrites_AndATamperedOneIsRefused()
    {
        using var anonymous = gateway.Client();
        var (ticket, _, _) = await TicketAsync();
        var tampered = ticket[..^2] + (ticket[^2] == 'A' ? "B" : "A") + ticket[^1];

        using var write = await anonymous.PostAsync($"/api/corpora?ticket={Uri.EscapeDataString(ticket)}",
            JsonContent.Create(new { name = "x", sources = new[] { new { key = "raw/x/a.jsonl" } } }));
        using var forged = await anonymous.GetAsync($"/api/corpora?ticket={Uri.EscapeDataString(tampered)}");

        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ATicket_Expires_AndCannotBeRenewedWithATicket()
    {
        using var anonymous = gateway.Client();
        var (ticket, expiresAt, _) = await TicketAsync(ttl: 1);

        using var renewal = await anonymous.GetAsync($"/api/events/ticket?ticket={Uri.EscapeDataString(ticket)}");
        Assert.Equal(HttpStatusCode.BadRequest, renewal.StatusCode);
        Assert.Contains("ticket", (await renewal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));

        while (DateTimeOffset.UtcNow <= expiresAt) await Task.Delay(100);
        using var expired = await anonymous.GetAsync($"/api/corpora?ticket={Uri.EscapeDataString(ticket)}");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(301)]
    public async Task ALifetimeOutsideTheLimit_Is400NamingTtl(int ttl)
    {
        using var reader = gateway.Client(GatewayTestHost.ReaderKey);
        using var response = await reader.GetAsync($"/api/events/ticket?ttl={ttl}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("ttl", out _));
    }
}
