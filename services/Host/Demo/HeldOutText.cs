using System.Text;
using Refinery.Modeling.Folders;
using Refinery.Modeling.Scoring;
using Refinery.Storage;
using Refinery.Training.Run;

namespace Refinery.Host.Demo;

/// <summary>Scores a trained model on held-out text as byte tokens: the text cut into windows of the model's context,
/// each token scored from the ones before it in its window, reported as bits per UTF-8 byte.</summary>
public static class HeldOutText
{
    /// <summary>The documents' UTF-8 bytes, each followed by end-of-text (256), as the bytes tokenizer cuts them, up to
    /// <paramref name="maxBytes"/> bytes of text (whole documents).</summary>
    public static IReadOnlyList<int> Tokens(IReadOnlyList<string> documents, int maxBytes)
    {
        var tokens = new List<int>();
        foreach (var document in documents)
        {
            if (tokens.Count >= maxBytes) break;
            tokens.AddRange(Encoding.UTF8.GetBytes(document).Select(b => (int)b));
            tokens.Add(256);
        }
        return tokens;
    }

    public static async Task<double> BitsPerByteAsync(IObjectStore store, string modelFolder, IReadOnlyList<int> tokens, CancellationToken ct)
    {
        var folder = ScratchSpace.NewFile("demo-model", "");
        try
        {
            await StoredModelFolder.DownloadAsync(store, modelFolder, folder, ct);
            using var model = ModelFolder.Load(folder);
            var context = model.Config.MaxPositionEmbeddings;
            // Windows of context + 1 tokens overlapping by one: every token but the first is scored once.
            var requests = new List<ScoringRequest>();
            for (var start = 0; start + 1 < tokens.Count; start += context)
                requests.Add(new ScoringRequest(tokens.Skip(start).Take(context + 1).ToList(), ScoredFrom: 1));
            var results = new LogLikelihoodScorer(model).Score(requests);
            var nats = -results.Sum(r => r.Sum);
            var bytes = tokens.Skip(1).Count(t => t < 256);
            return nats / Math.Log(2) / bytes;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
