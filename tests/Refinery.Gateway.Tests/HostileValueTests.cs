using System.Net;

namespace Refinery.Gateway.Tests;

/// <summary>Every JSON write route is sent, one field at a time, every hostile value of the field's type inside an
/// otherwise valid body: no answer is a 5xx, every 4xx is problem details naming the field, and a refusal records
/// nothing (so sends nothing: every write records its request before sending).</summary>
public sealed class HostileValueTests(HostileGateway gateway) : IClassFixture<HostileGateway>
{
    public static TheoryData<string, string> Fields()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in HostileWriteRoute.All)
            foreach (var field in route.Fields) data.Add(route.Name, field.Path);
        return data;
    }

    public static TheoryData<string> Routes() => new(HostileWriteRoute.All.Select(r => r.Name));

    private static HostileWriteRoute Route(string name) => HostileWriteRoute.All.Single(r => r.Name == name);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task TheValidBody_IsAccepted(string route)
    {
        await gateway.PreparedAsync();
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync(Route(route).Url, HostileGateway.JsonBody(Route(route).WithItsOwnName()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task AHostileValueInAField_IsNever5xx_AndEach4xxNamesTheField(string route, string path)
    {
        await gateway.PreparedAsync();
        var write = Route(route);
        var field = write.Fields.Single(f => f.Path == path);
        var failures = new List<string>();
        foreach (var value in HostileValues.For(field.Kind, write.FirstElementOf(path)))
        {
            using var content = HostileGateway.JsonBody(write.BodyWith(path, value));
            var mustRefuse = field is { Kind: FieldKind.String, FreeText: false } && HostileValues.NeverNames.Contains(value);
            if (await gateway.ProblemWithAnswerAsync(write.Url, content, path, mustRefuse) is { } problem)
                failures.Add($"{path} = {HostileValues.Label(value)}: {problem}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AHostileNameInThePath_IsNever5xx_AndEach4xxNamesIt(string route)
    {
        await gateway.PreparedAsync();
        var write = Route(route);
        if (!write.Url.Contains("/hostile/", StringComparison.Ordinal)) return; // POST /api/corpora has its name in the body
        var failures = new List<string>();
        foreach (var segment in HostileValues.PathSegments)
        {
            using var content = HostileGateway.JsonBody(write.ValidBody);
            // A name that is no path segment at all ("..") finds no route: a 404 or 405 with a detail is right for it.
            var field = segment is ".." ? null : "name";
            // Every one of them is a name no rule allows: a 2xx is as wrong as a 5xx.
            if (await gateway.ProblemWithAnswerAsync(write.Url.Replace("/hostile/", $"/{segment}/", StringComparison.Ordinal), content, field, mustRefuse: true) is { } problem)
                failures.Add($"name = {HostileValues.Label(segment)}: {problem}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
