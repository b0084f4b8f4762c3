using System.Security.Cryptography;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;
using Refinery.Storage;
using Refinery.Text.Tokenizers;

namespace Refinery.Training.Data;

/// <summary>The tokenizer a dataset version was cut with, as its manifest names it, and the width of its stored ids.</summary>
public sealed record DataTokenizer(TokenizerKind Kind, int VocabularySize, int EndOfText, int TokenBytes)
{
    public string Name => OptionValues<TokenizerKind>.NameOf(Kind);

    public TokenizerIdentity Identity => new(Name, VocabularySize, EndOfText);

    public override string ToString() => $"{Name} ({VocabularySize} ids)";
}

/// <summary>One token file of a version: its key relative to the version, sha256, bytes and token count.</summary>
public sealed record TokenFileRef(string Path, string Sha256, long Bytes, long Tokens);

/// <summary>A dataset version as training reads it: its manifest (with the manifest's own sha256, for the lineage), the
/// tokenizer, and its training and validation token files.</summary>
public sealed record DatasetVersionData(string Dataset, string Version, string ManifestKey, string ManifestSha256,
    DataTokenizer Tokenizer, IReadOnlyList<TokenFileRef> Train, IReadOnlyList<TokenFileRef> Validation)
{
    public string Name => $"{Dataset}@{Version}";
    public long TrainTokens => Train.Sum(f => f.Tokens);
    public long ValidationTokens => Validation.Sum(f => f.Tokens);

    /// <summary>Reads and checks a version's manifest.</summary>
    /// <exception cref="TrainingRefusedException">The version does not exist or its manifest is not one Curation wrote.</exception>
    public static async Task<DatasetVersionData> ReadAsync(IObjectStore store, string dataset, string version, CancellationToken ct)
    {
        var key = DatasetKeys.Of(dataset, version, DatasetKeys.Manifest);
        byte[] bytes;
        try
        {
            await using var stream = await store.OpenReadAsync(key, ct);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }
        catch (ObjectNotFoundException)
        {
            throw new TrainingRefusedException("data", $"dataset version {dataset}@{version} does not exist (no {key})");
        }
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var t = root.GetProperty("tokenizer");
            var tokenizer = new DataTokenizer(OptionValues<TokenizerKind>.Parse(t.GetProperty("name").GetString()!), t.GetProperty("vocabulary_size").GetInt32(),
                t.GetProperty("end_of_text").GetInt32(), t.GetProperty("token_bytes").GetInt32());
            var files = root.GetProperty("files").EnumerateArray().Select(f => new TokenFileRef(f.GetProperty("path").GetString()!,
                f.GetProperty("sha256").GetString()!, f.GetProperty("bytes").GetInt64(), f.GetProperty("tokens").GetInt64())).ToList();
            foreach (var file in files.Where(f => f.Path.Contains("..", StringComparison.Ordinal) || f.Path.StartsWith('/')))
                throw new TrainingRefusedException("data", $"{key} lists a file outside its version: {file.Path}");
            // Sorted by path, so the stream order is the parts' order whatever order the manifest lists them in.
            List<TokenFileRef> Under(string folder) =>
                files.Where(f => f.Path.StartsWith(folder, StringComparison.Ordinal)).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            return new DatasetVersionData(dataset, version, key, Convert.ToHexStringLower(SHA256.HashData(bytes)), tokenizer,
                Under(DatasetKeys.TokensFolder), Under(DatasetKeys.ValidationFolder));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new TrainingRefusedException("data", $"{key} is not a dataset manifest: {e.Message}");
        }
    }

    /// <summary>Copies the files to <paramref name="folder"/>, checking each against its sha256 and size, and returns
    /// their local paths with token counts, in stream order. A file already there and complete is not copied again.</summary>
    public async Task<IReadOnlyList<(string Path, long Tokens)>> DownloadAsync(IObjectStore store, IReadOnlyList<TokenFileRef> files,
        string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var local = new List<(string, long)>();
        foreach (var file in files)
        {
            var path = Path.Combine(folder, $"{Dataset}.{Version}.{file.Path.Replace('/', '.')}");
            if (!File.Exists(path) || new FileInfo(path).Length != file.Bytes)
                await DownloadVerifiedAsync(store, DatasetKeys.Of(Dataset, Version, file.Path), file, path, ct);
            local.Add((path, file.Tokens));
        }
        return local;
    }

    private static async Task DownloadVerifiedAsync(IObjectStore store, string key, TokenFileRef file, string path, CancellationToken ct)
    {
        var temporary = path + ".part";
        try
        {
            string sha256;
            long length;
            await using (var source = new VerifyingStream(await store.OpenReadAsync(key, ct)))
            await using (var target = File.Create(temporary))
            {
                await source.CopyToAsync(target, ct);
                (sha256, length) = (await source.FinishAsync(ct), source.BytesRead);
            }
            if (length != file.Bytes || !string.Equals(sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new TrainingRefusedException("data", $"{key} is not the file its manifest lists: {length} bytes with sha256 {sha256}, " +
                                                           $"expected {file.Bytes} bytes with sha256 {file.Sha256}");
            File.Move(temporary, path, overwrite: true);
        }
        catch (ObjectNotFoundException)
        {
            throw new TrainingRefusedException("data", $"{key}, listed in its version's manifest, does not exist");
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
