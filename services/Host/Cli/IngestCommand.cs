using System.CommandLine;
using System.Diagnostics;
using Refinery.Contracts.Ingestion;
using Refinery.Host.Embedded;

namespace Refinery.Host.Cli;

/// <summary>`refinery ingest PATH...`: ingest local files, embedded by default or through a gateway with --api.</summary>
public static class IngestCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Files or folders to ingest", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name") { Description = "Corpus name (default: from the first path)" };
        var dataDir = CommonOptions.DataDir();
        var api = new Option<string?>("--api") { Description = "A gateway URL; ingest there instead of in this process" };
        var apiKey = new Option<string?>("--api-key") { Description = "API key with the writer role (default: $REFINERY_API_KEY)" };
        var textField = new Option<string>("--text-field") { DefaultValueFactory = _ => "text", Description = "JSON field holding the text" };
        var idField = new Option<string>("--id-field") { DefaultValueFactory = _ => "id", Description = "JSON field holding the document id" };
        var urlField = new Option<string>("--url-field") { DefaultValueFactory = _ => "url", Description = "JSON field holding the URL" };
        var shardDocs = new Option<int>("--shard-documents") { DefaultValueFactory = _ => 10_000, Description = "Documents per shard" };
        var noLang = new Option<bool>("--no-language") { Description = "Skip language identification" };
        var json = CommonOptions.Json();
        var command = new Command("ingest", "Ingest JSONL (.gz/.zst), Parquet, WARC, WET or text files into document shards")
        {
            paths, name, dataDir, api, apiKey, textField, idField, urlField, shardDocs, noLang, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var inputs = result.GetValue(paths)!;
            var corpus = result.GetValue(name) ?? NameFrom(inputs[0]);
            if (CorpusNames.Problem(corpus) is { } problem)
            {
                await Console.Error.WriteLineAsync($"error: corpus name '{corpus}': {problem} (use --name)");
                return 2;
            }
            var settings = new IngestSettings
            {
                TextField = result.GetValue(textField)!,
                IdField = result.GetValue(idField)!,
                UrlField = result.GetValue(urlField)!,
                ShardDocuments = result.GetValue(shardDocs),
                DetectLanguage = !result.GetValue(noLang),
            };
            var asJson = result.GetValue(json);
            var clock = Stopwatch.StartNew();
            try
            {
                var outcome = result.GetValue(api) is { } url
                    ? await GatewayClient.IngestAsync(new Uri(url), result.GetValue(apiKey) ?? Environment.GetEnvironmentVariable("REFINERY_API_KEY"),
                        corpus, inputs, settings, e => Progress(e, asJson), ct)
                    : await IngestEmbeddedAsync(result.GetValue(dataDir)!, corpus, inputs, settings, asJson, ct);
                IngestReport.Write(Console.Out, outcome, asJson, clock.Elapsed);
                return 0;
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or HttpRequestException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static async Task<CorpusIngested> IngestEmbeddedAsync(string dataDir, string corpus, string[] inputs,
        IngestSettings settings, bool json, CancellationToken ct)
    {
        await using var platform = await EmbeddedPlatform.StartAsync(dataDir, quiet: true, ct);
        return await platform.IngestAsync(corpus, inputs, settings, e => Progress(e, json), ct);
    }

    private static void Progress(object e, bool json)
    {
        if (json) return;
        if (e is CorpusShardIngested shard)
            Console.Error.WriteLine($"  shard {shard.Shard:D5}: {shard.DocumentCount:N0} documents");
    }

    /// <summary>"Data/My Corpus.jsonl.gz" → "my-corpus".</summary>
    public static string NameFrom(string path)
    {
        var stem = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        var dot = stem.IndexOf('.', 1);
        if (dot > 0) stem = stem[..dot];
        var chars = stem.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray();
        var name = new string(chars).Trim('-');
        return name.Length == 0 ? "corpus" : name.Length > CorpusNames.MaxLength ? name[..CorpusNames.MaxLength] : name;
    }
}
