using System.Text.Json.Nodes;

namespace Refinery.Gateway.Tests;

/// <summary>One field of a write's body: its JSON path ("components[0].weight") and type; a string field that is not
/// free text (a description, a recipe) is a name, key or option, which must refuse <see cref="HostileValues.NeverNames"/>.</summary>
public sealed record HostileField(string Path, FieldKind Kind, bool FreeText = false);

/// <summary>A JSON write route with a body it accepts (202) and the fields a hostile value is substituted into.</summary>
public sealed record HostileWriteRoute(string Name, string Url, string ValidBody, params HostileField[] Fields)
{
    private const string Marker = "@@hostile@@";

    /// <summary>The valid body with the value at <paramref name="path"/> replaced by the raw JSON <paramref name="hostile"/>;
    /// a corpus submission also gets a name of its own (<see cref="WithItsOwnName"/>) unless the name is under test.</summary>
    public string BodyWith(string path, string hostile)
    {
        var root = JsonNode.Parse(path == "name" ? ValidBody : WithItsOwnName())!;
        var (parent, last) = Walk(root, path);
        if (last is int index) parent.AsArray()[index] = Marker;
        else parent.AsObject()[(string)last] = Marker;
        return root.ToJsonString().Replace($"\"{Marker}\"", hostile, StringComparison.Ordinal);
    }

    /// <summary>The valid body; a corpus submission's (a body with a "name") names a corpus no other request submitted,
    /// since a name is claimed by its content and the same name with other content is a 409, not the answer under test.</summary>
    public string WithItsOwnName()
    {
        var root = JsonNode.Parse(ValidBody)!.AsObject();
        if (!root.ContainsKey("name")) return ValidBody;
        root["name"] = HostileGateway.FreshCorpusName((string)root["name"]!);
        return root.ToJsonString();
    }

    /// <summary>The valid JSON at <paramref name="path"/>'s first element, for lists (null otherwise).</summary>
    public string? FirstElementOf(string path)
    {
        var (parent, last) = Walk(JsonNode.Parse(ValidBody)!, path);
        var node = last is int index ? parent.AsArray()[index] : parent.AsObject()[(string)last];
        return node is JsonArray { Count: > 0 } array ? array[0]!.ToJsonString() : null;
    }

    // "a.b[0].c" → the node holding the last step, and the last step (a property name or an index).
    private static (JsonNode Parent, object Last) Walk(JsonNode root, string path)
    {
        var steps = path.Split('.').SelectMany(Steps).ToList();
        var node = root;
        foreach (var step in steps[..^1]) node = step is int i ? node[i]! : node[(string)step]!;
        return (node, steps[^1]);
    }

    private static IEnumerable<object> Steps(string part)
    {
        var bracket = part.IndexOf('[');
        if (bracket < 0) { yield return part; yield break; }
        yield return part[..bracket];
        yield return int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Every JSON write of the gateway (the multipart form of POST /api/corpora has tests of its own).</summary>
    public static readonly HostileWriteRoute[] All =
    [
        new("dedup", "/api/corpora/hostile/dedup",
            """{"threshold":0.8,"signalsConfig":"rpv2","exact":"bloom","keep":"max:rps_doc_word_count","falsePositiveRate":0.000001,"verify":false,"exactKey":"normalized"}""",
            new("threshold", FieldKind.Number), new("signalsConfig", FieldKind.String), new("exact", FieldKind.String), new("keep", FieldKind.String),
            new("falsePositiveRate", FieldKind.Number), new("verify", FieldKind.Boolean), new("exactKey", FieldKind.String)),
        new("versions", "/api/datasets/hostile/versions",
            """{"corpora":["web"],"recipe":"none","tokenizer":"bytes","validationFraction":0.1,"signalsConfig":"rpv2","description":"d","recipeName":"mine"}""",
            new("corpora", FieldKind.List), new("corpora[0]", FieldKind.String), new("recipe", FieldKind.String, FreeText: true), new("tokenizer", FieldKind.String),
            new("validationFraction", FieldKind.Number), new("signalsConfig", FieldKind.String), new("description", FieldKind.String, FreeText: true),
            new("recipeName", FieldKind.String)),
        new("mixtures", "/api/datasets/hostile/mixtures",
            $$"""{"components":[{"dataset":"{{HostileGateway.BaseDataset}}","version":"{{HostileGateway.BaseVersion}}","weight":1}],"tokenBudget":100,"seed":1,"description":"d"}""",
            new("components", FieldKind.List), new("components[0]", FieldKind.Object), new("components[0].dataset", FieldKind.String),
            new("components[0].version", FieldKind.String), new("components[0].weight", FieldKind.Number), new("tokenBudget", FieldKind.Integer),
            new("seed", FieldKind.Integer), new("description", FieldKind.String, FreeText: true)),
        new("training", "/api/training/jobs",
            $$$"""{"kind":"pretrain","modelName":"tiny-web","model":{"preset":"tiny","layers":2,"hidden":64,"heads":4,"context":128},"stages":[{"dataset":"{{{HostileGateway.BaseDataset}}}","version":"{{{HostileGateway.BaseVersion}}}","tokens":100000,"learningRate":0.001,"schedule":"linear"}],"hyperparameters":{"microBatch":4,"gradientAccumulation":2,"learningRate":0.003,"minLearningRate":0.0003,"warmupSteps":10,"schedule":"cosine","weightDecay":0.1,"clipNorm":1,"seed":7,"threads":1},"intervals":{"progressEverySteps":5,"evaluateEverySteps":50,"evaluationTokens":4096,"checkpointEverySteps":50,"keepCheckpoints":2}}""",
            new("kind", FieldKind.String), new("modelName", FieldKind.String), new("model", FieldKind.Object), new("model.preset", FieldKind.String),
            new("model.layers", FieldKind.Integer), new("model.hidden", FieldKind.Integer), new("model.heads", FieldKind.Integer),
            new("model.context", FieldKind.Integer), new("stages", FieldKind.List), new("stages[0]", FieldKind.Object),
            new("stages[0].dataset", FieldKind.String), new("stages[0].version", FieldKind.String), new("stages[0].tokens", FieldKind.Integer),
            new("stages[0].learningRate", FieldKind.Number), new("stages[0].schedule", FieldKind.String), new("hyperparameters", FieldKind.Object),
            new("hyperparameters.microBatch", FieldKind.Integer), new("hyperparameters.gradientAccumulation", FieldKind.Integer),
            new("hyperparameters.learningRate", FieldKind.Number), new("hyperparameters.minLearningRate", FieldKind.Number),
            new("hyperparameters.warmupSteps", FieldKind.Integer), new("hyperparameters.schedule", FieldKind.String),
            new("hyperparameters.weightDecay", FieldKind.Number), new("hyperparameters.clipNorm", FieldKind.Number),
            new("hyperparameters.seed", FieldKind.Integer), new("hyperparameters.threads", FieldKind.Integer), new("intervals", FieldKind.Object),
            new("intervals.progressEverySteps", FieldKind.Integer), new("intervals.evaluationTokens", FieldKind.Integer),
            new("intervals.keepCheckpoints", FieldKind.Integer)),
        new("corpora", "/api/corpora",
            $$$"""{"name":"hostile-corpus","sources":[{"key":"{{{HostileGateway.SourceKey}}}","format":"jsonl"}],"settings":{"textField":"text","idField":"id","urlField":"url","shardDocuments":100,"detectLanguage":true}}""",
            new("name", FieldKind.String), new("sources", FieldKind.List), new("sources[0]", FieldKind.Object), new("sources[0].key", FieldKind.String),
            new("sources[0].format", FieldKind.String), new("settings", FieldKind.Object), new("settings.textField", FieldKind.String),
            new("settings.idField", FieldKind.String), new("settings.urlField", FieldKind.String), new("settings.shardDocuments", FieldKind.Integer),
            new("settings.detectLanguage", FieldKind.Boolean)),
    ];
}
