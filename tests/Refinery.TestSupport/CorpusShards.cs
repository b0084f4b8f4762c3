using System.Text;
using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;

namespace Refinery.TestSupport;

/// <summary>A corpus as ingestion and the signals service leave it: document shards (<c>docs/{corpus}/{shard}.jsonl.zst</c>)
/// and their signal shards (<c>signals/{corpus}/{shard}.rpv2.parquet</c>), from real documents.</summary>
public static class CorpusShards
{
    public static async Task<List<SignalDocument>> ReadAsync(params string[] path)
    {
        var documents = new List<SignalDocument>();
        await foreach (var item in SignalInputReader.ReadAsync(SharedData.Path(path), "en")) documents.Add(item.Document!);
        return documents;
    }

    public static async Task PutAsync(IObjectStore store, string corpus, IReadOnlyList<SignalDocument> documents, int shards)
    {
        var computer = new Rpv2SignalComputer(Rpv2Resources.Empty);
        var perShard = (documents.Count + shards - 1) / shards;
        for (var shard = 0; shard < shards; shard++)
        {
            var part = documents.Skip(shard * perShard).Take(perShard).ToList();
            using var file = new MemoryStream();
            await using (var writer = await SignalParquetWriter.CreateAsync(file, new SignalFileInfo { Config = "rpv2" }))
            {
                foreach (var document in part) await writer.WriteAsync(computer.Compute(document));
                await writer.CompleteAsync();
            }
            file.Position = 0;
            await store.PutAsync(SignalsKeys.Signals(corpus, shard, "rpv2"), file);
            var lines = new StringBuilder();
            foreach (var document in part) lines.Append(JsonSerializer.Serialize(new { id = document.Id, text = document.Text, url = document.Url })).Append('\n');
            using var compressor = new ZstdSharp.Compressor();
            await store.PutAsync(IngestionKeys.Shard(corpus, shard), new MemoryStream(compressor.Wrap(Encoding.UTF8.GetBytes(lines.ToString())).ToArray()));
        }
    }

    public static async Task<List<ClusterRow>> ClustersAsync(IObjectStore store, Refinery.Contracts.ObjectRef clusters)
    {
        using var buffer = new MemoryStream();
        await using (var raw = await store.OpenReadAsync(clusters.Key)) await raw.CopyToAsync(buffer);
        buffer.Position = 0;
        return await Refinery.Quality.Formats.ClustersFile.ReadAsync(buffer);
    }
}
