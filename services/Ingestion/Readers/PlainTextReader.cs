using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Refinery.Ingestion.Text;

namespace Refinery.Ingestion.Readers;

/// <summary>Reads a whole plain-text source as one document (no id, position 0), decoded as UTF-8 in chunks and
/// quarantined as soon as it grows past <see cref="ReaderOptions.MaxDocumentChars"/>.</summary>
public sealed class PlainTextReader : IDocumentReader
{
    private const int ChunkBytes = 64 * 1024;

    public string Format => "text";

    public async IAsyncEnumerable<ReadItem> ReadAsync(Stream source, string sourceName, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(ChunkBytes + 4);
        var chars = ArrayPool<char>.Shared.Rent(ChunkBytes + 4);
        try
        {
            var text = new StringBuilder();
            var carried = 0;      // bytes of an incomplete UTF-8 sequence kept from the last chunk
            var invalid = 0;
            var first = true;
            var ended = false;
            while (!ended)
            {
                var n = await source.ReadAsync(bytes.AsMemory(carried, ChunkBytes), ct).ConfigureAwait(false);
                ended = n == 0;
                var chunk = bytes.AsSpan(0, carried + n);
                if (first && chunk.Length >= 3 && chunk.StartsWith("\uFEFF"u8))
                {
                    chunk = chunk[3..];
                    first = false;
                }
                else if (chunk.Length >= 3) first = false;

                carried = DecodeChunk(chunk, chars, text, isFinal: ended, ref invalid);
                if (carried > 0) chunk[^carried..].CopyTo(bytes);
                if (text.Length > options.MaxDocumentChars)
                {
                    yield return ReadItem.Reject(0, RejectReasons.OversizedDocument,
                        $"text is longer than MaxDocumentChars ({options.MaxDocumentChars}); reading stopped");
                    yield break;
                }
            }

            var document = text.ToString();
            if (string.IsNullOrWhiteSpace(document))
                yield return ReadItem.Reject(0, RejectReasons.EmptyText, "text is empty or whitespace only");
            else
                yield return ReadItem.Of(new RawDocument(null, document, null, 0, invalid));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    // Decodes whole sequences, returns how many trailing bytes (an incomplete sequence) wait for the next chunk.
    private static int DecodeChunk(ReadOnlySpan<byte> chunk, char[] chars, StringBuilder text, bool isFinal, ref int invalid)
    {
        Utf8.ToUtf16(chunk, chars, out var read, out var written, replaceInvalidSequences: true, isFinalBlock: isFinal);
        var decoded = chunk[..read];
        if (!Utf8.IsValid(decoded)) invalid += Utf8Text.CountInvalid(decoded);
        text.Append(chars, 0, written);
        return chunk.Length - read;
    }
}
