using System.Globalization;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Domain;
using Refinery.Hosting;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Curation.Pipeline;

/// <summary>Writes a mixture version: for each component, its training documents drawn in a seeded random order until
/// the component's share of the token budget is reached (a new order, a new epoch, when one pass is not enough),
/// written as that component's part; its validation part is carried over whole. The manifest names every component
/// version with its manifest's sha256, weight, target and the tokens and epochs taken.</summary>
public sealed class MixtureBuilder(IObjectStore store)
{
    private sealed record Component(MixtureComponent Request, ManifestReader.VerifiedManifest Manifest, ObjectRef ManifestRef);

    public sealed record Taken(string Dataset, string Version, string ManifestSha256, double Weight, long TargetTokens, long Tokens,
        long Documents, long AvailableDocuments, int Epochs);

    public async Task<DatasetJob> BuildAsync(DatasetJob job, CreateDatasetMixture request, IReadOnlyList<(MixtureComponent Request, ObjectRef Manifest)> inputs,
        DateTime now, CancellationToken ct)
    {
        var components = new List<Component>();
        foreach (var (component, manifestRef) in inputs)
            components.Add(new Component(component, await ManifestReader.ReadVerifiedAsync(store, manifestRef, ct), manifestRef));
        var tokenizer = components[0].Manifest.Root.GetProperty("tokenizer");
        var (endOfText, tokenBytes) = (tokenizer.GetProperty("end_of_text").GetInt32(), tokenizer.GetProperty("token_bytes").GetInt32());
        var root = DatasetKeys.Root(job.Dataset, job.Version);
        var files = new List<PartFile>();
        var taken = new List<Taken>();
        long validationTokens = 0;
        for (var i = 0; i < components.Count; i++)
        {
            var c = components[i];
            var target = DatasetRequests.ShareOf(request, c.Request);
            using var spool = await TrainingDocumentsAsync(c.Manifest, endOfText, tokenBytes, ct);
            var random = new Random(ComponentSeed(request.Seed, i));
            long tokens = 0, drawn = 0;
            var epochs = 0;
            // Documents and tokens are written as they are drawn: memory holds one epoch's order (the component's
            // size), never the budget's.
            await using var docs = TemporaryFile();
            await using var tokenStream = TemporaryFile();
            using (var zstd = new CompressionStream(docs, 3, leaveOpen: true))
            {
                var shuffled = Enumerable.Range(0, spool.Documents).ToArray();
                while (tokens < target && spool.Documents > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    epochs++;
                    for (var d = 0; d < shuffled.Length; d++) shuffled[d] = d;
                    random.Shuffle(shuffled);
                    foreach (var d in shuffled)
                    {
                        if (tokens >= target) break;
                        zstd.Write(spool.Document(d));
                        zstd.WriteByte((byte)'\n');
                        tokenStream.Write(spool.TokenSegment(d));
                        tokens += spool.TokensOf(d);
                        drawn++;
                    }
                }
            }
            docs.Position = 0;
            files.Add(await PutAsync(root, DatasetKeys.Documents(i), docs, drawn, 0, ct));
            tokenStream.Position = 0;
            files.Add(await PutAsync(root, DatasetKeys.Tokens(i), tokenStream, drawn, tokens, ct));
            var validation = await CopyValidationAsync(c.Manifest, root, i, ct);
            files.Add(validation);
            validationTokens += validation.Tokens;
            taken.Add(new Taken(c.Request.Dataset, c.Request.Version, c.ManifestRef.Sha256, c.Request.Weight, target, tokens, drawn,
                spool.Documents, epochs));
        }

        var manifest = JsonSerializer.Serialize(new
        {
            uuid = job.Id, name = job.Dataset, version = job.Version, created = VersionDocuments.Created(job),
            parents = new
            {
                corpora = Array.Empty<object>(),
                datasets = taken.Select(t => new
                {
                    name = t.Dataset, version = t.Version, manifest_sha256 = t.ManifestSha256, weight = t.Weight, target_tokens = t.TargetTokens,
                    tokens = t.Tokens, documents = t.Documents, available_documents = t.AvailableDocuments, epochs = t.Epochs,
                }),
                dedup = Array.Empty<object>(),
            },
            mixture = new { token_budget = request.TokenBudget, seed = request.Seed },
            recipe = new { name = job.RecipeName, sha256 = job.RecipeSha256, text = job.RecipeText },
            tokenizer = JsonSerializer.Deserialize<JsonElement>(tokenizer.GetRawText()),
            code = new { version = CodeVersion.Current().Version, commit = CodeVersion.Current().Commit },
            tokens = new { train = taken.Sum(t => t.Tokens), validation = validationTokens },
            files = files.Select(f => new { path = f.Path, sha256 = f.Sha256, bytes = f.Bytes, documents = f.Documents, tokens = f.Tokens }),
            datasheet = DatasetKeys.Datasheet,
        }, new JsonSerializerOptions { WriteIndented = true });
        await PutTextAsync(root + DatasetKeys.Datasheet, Datasheet(job, request, taken), ct);
        var stored = await PutTextAsync(root + DatasetKeys.Manifest, manifest, ct);
        job.ManifestKey = stored.Key;
        job.ManifestSha256 = stored.Sha256;
        job.ManifestLength = stored.Length;
        job.Documents = taken.Sum(t => t.AvailableDocuments);
        job.KeptDocuments = taken.Sum(t => t.Documents);
        job.Tokens = taken.Sum(t => t.Tokens);
        job.ValidationTokens = validationTokens;
        job.FinishedAt = now;
        return job;
    }

    /// <summary>The seed of component <paramref name="component"/>'s draws. Not HashCode.Combine: that is seeded anew in
    /// every process, so the same request would draw other documents after a restart or in another process.</summary>
    public static int ComponentSeed(int seed, int component) =>
        (int)System.IO.Hashing.XxHash32.HashToUInt32(BitConverter.GetBytes(((long)seed << 32) | (uint)component));

    /// <summary>The component's training documents (as stored) and their tokens, spooled: the documents outside the
    /// validation share, in part order, paired with the segments of the training token stream between end-of-text tokens.</summary>
    private async Task<ComponentSpool> TrainingDocumentsAsync(ManifestReader.VerifiedManifest manifest, int endOfText, int tokenBytes, CancellationToken ct)
    {
        var fraction = manifest.Root.GetProperty("validation_fraction").GetDouble();
        var spool = new ComponentSpool(tokenBytes);
        try
        {
            await foreach (var document in VersionReader.DocumentsAsync(store, manifest, ct))
                if (!PartCurator.InValidation(document.GetProperty("id").GetString()!, fraction))
                    spool.AddDocument(Encoding.UTF8.GetBytes(document.GetRawText()));
            var buffer = new byte[(1 << 16) * tokenBytes];
            foreach (var file in manifest.Files.Where(f => f.Path.StartsWith(DatasetKeys.TokensFolder, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal))
            {
                await using var raw = await store.OpenReadAsync(manifest.Prefix + file.Path, ct);
                int read;
                // Every read but the last fills the buffer, a whole number of tokens; so must the last.
                while ((read = await raw.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct)) > 0)
                {
                    if (read % tokenBytes != 0) throw new InvalidDataException($"{manifest.Prefix}{file.Path} ends inside a token");
                    spool.AddTokens(buffer.AsSpan(0, read), endOfText);
                }
            }
            if (spool.HasOpenSegment || spool.Segments != spool.Documents)
                throw new InvalidDataException($"{manifest.Prefix}: {spool.Segments} token segments for {spool.Documents} training documents");
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Where a part goes until it is stored: a file, so memory does not grow with the mixture.</summary>
    private static FileStream TemporaryFile() => new(ScratchSpace.NewFile("mixture-part", ".bin"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);

    /// <summary>The component's validation parts, concatenated into the mixture's validation part for it.</summary>
    private async Task<PartFile> CopyValidationAsync(ManifestReader.VerifiedManifest manifest, string root, int part, CancellationToken ct)
    {
        await using var all = TemporaryFile();
        long documents = 0, tokens = 0;
        foreach (var file in manifest.Files.Where(f => f.Path.StartsWith(DatasetKeys.ValidationFolder, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            await using (var raw = await store.OpenReadAsync(manifest.Prefix + file.Path, ct)) await raw.CopyToAsync(all, ct);
            documents += file.Documents;
            tokens += file.Tokens;
        }
        all.Position = 0;
        return await PutAsync(root, DatasetKeys.Validation(part), all, documents, tokens, ct);
    }

    private async Task<PartFile> PutAsync(string root, string path, Stream content, long documents, long tokens, CancellationToken ct)
    {
        var stored = await store.PutAsync(root + path, content, ct);
        return new PartFile(path, stored.Sha256, stored.Length, documents, tokens);
    }

    private Task<ObjectRef> PutTextAsync(string key, string text, CancellationToken ct) => store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(text)), ct);

    private static string Datasheet(DatasetJob job, CreateDatasetMixture request, IReadOnlyList<Taken> taken)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Datasheet: {job.Dataset} @ {job.Version} (a mixture)");
        md.AppendLine();
        md.AppendLine("## Motivation");
        md.AppendLine();
        md.AppendLine(request.Description is { Length: > 0 } d ? d : "*Why was the mixture made, and for which training run?*");
        md.AppendLine();
        md.AppendLine("## Composition");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{taken.Sum(t => t.Tokens):N0} training tokens (budget {request.TokenBudget:N0}, seed {request.Seed}) drawn from:");
        md.AppendLine();
        md.AppendLine("| version | weight | target tokens | tokens | documents | of available | epochs |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var t in taken)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {t.Dataset}@{t.Version} | {t.Weight:G4} | {t.TargetTokens:N0} | {t.Tokens:N0} | {t.Documents:N0} | {t.AvailableDocuments:N0} | {t.Epochs} |");
        md.AppendLine();
        md.AppendLine("Each component's own datasheet describes its sources and filtering. Validation parts are the components' own, whole.");
        md.AppendLine();
        md.AppendLine("## Uses, Distribution, Maintenance");
        md.AppendLine();
        md.AppendLine("*To be completed by the mixture's owner.* This version never changes: it is addressed by the hash of its components' manifests, weights, budget and seed.");
        return md.ToString();
    }
}
