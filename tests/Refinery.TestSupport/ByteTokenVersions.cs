using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Storage;

namespace Refinery.TestSupport;

/// <summary>Dataset versions in the layout Curation writes (manifest.json with its tokenizer and files, tokens/ and
/// validation/ parts of little-endian uint16 ids), cut with the bytes tokenizer from real text of the handbook's data.</summary>
public static class ByteTokenVersions
{
    /// <summary>Tiny Shakespeare's paragraphs (blank-line separated), in file order.</summary>
    public static IReadOnlyList<string> Shakespeare() => ShakespeareText.Value;

    private static readonly Lazy<string[]> ShakespeareText = new(() =>
        File.ReadAllText(SharedData.Path("reference", "tinyshakespeare.txt"))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Writes a version of <paramref name="documents"/>, every <paramref name="validationEvery"/>-th one held out,
    /// as parts of <paramref name="documentsPerPart"/> documents; returns its version string.</summary>
    public static async Task<string> WriteAsync(IObjectStore store, string dataset, IReadOnlyList<string> documents,
        int validationEvery = 10, int documentsPerPart = 200)
    {
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataset + string.Join('\u0001', documents))))[..12];
        var root = DatasetKeys.Root(dataset, version);
        var files = new List<object>();
        var train = documents.Where((_, i) => validationEvery == 0 || i % validationEvery != validationEvery - 1).ToList();
        var validation = documents.Where((_, i) => validationEvery > 0 && i % validationEvery == validationEvery - 1).ToList();
        for (var part = 0; part * documentsPerPart < Math.Max(1, train.Count); part++)
            files.Add(await PutAsync(store, root, DatasetKeys.Tokens(part), train.Skip(part * documentsPerPart).Take(documentsPerPart).ToList()));
        if (validation.Count > 0) files.Add(await PutAsync(store, root, DatasetKeys.Validation(0), validation));
        var manifest = new
        {
            name = dataset, version,
            tokenizer = new { name = "bytes", vocabulary_size = 257, end_of_text = 256, token_bytes = 2, byte_order = "little-endian" },
            files,
        };
        await using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest));
        await store.PutAsync(root + DatasetKeys.Manifest, json);
        return version;
    }

    private static async Task<object> PutAsync(IObjectStore store, string root, string path, IReadOnlyList<string> documents)
    {
        var ids = new List<ushort>();
        foreach (var d in documents)
        {
            ids.AddRange(Encoding.UTF8.GetBytes(d).Select(b => (ushort)b));
            ids.Add(256);
        }
        var bytes = new byte[ids.Count * 2];
        for (var i = 0; i < ids.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), ids[i]);
        var written = await store.PutAsync(root + path, new MemoryStream(bytes));
        return new { path, sha256 = written.Sha256, bytes = written.Length, documents = documents.Count, tokens = (long)ids.Count };
    }
}
