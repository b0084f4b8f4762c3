using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using Refinery.Storage;

namespace Refinery.Ingestion.Readers;

/// <summary>Reads a Parquet file row group by row group: the text column (TextField, else raw_content, else content),
/// and id and url columns when present. A non-seekable stream is spooled to a temporary file deleted afterwards.</summary>
public sealed class ParquetDocumentReader : IDocumentReader
{
    public string Format => "parquet";

    public async IAsyncEnumerable<ReadItem> ReadAsync(Stream source, string sourceName, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        Stream? spool = null;
        try
        {
            var seekable = source;
            if (!source.CanSeek)
            {
                spool = CreateSpool();
                var failure = await CopyAsync(source, spool, ct).ConfigureAwait(false);
                if (failure is not null)
                {
                    yield return ReadItem.Reject(0, failure.Reason, failure.Message);
                    yield break;
                }
                spool.Position = 0;
                seekable = spool;
            }

            var (reader, openError) = await OpenAsync(seekable, ct).ConfigureAwait(false);
            if (reader is null)
            {
                yield return ReadItem.Reject(0, RejectReasons.UnreadableSource, $"not a readable Parquet file: {openError}");
                yield break;
            }

            await using (reader.ConfigureAwait(false))
            {
                var columns = reader.Schema.Fields.OfType<DataField>().Where(f => !f.IsArray && f.MaxRepetitionLevel == 0).ToList();
                var text = Find(columns, options.TextField, IsString) ?? Find(columns, "raw_content", IsString) ?? Find(columns, "content", IsString);
                var id = Find(columns, options.IdField, IsIdType);
                var url = Find(columns, options.UrlField, IsString);
                if (text is null)
                {
                    // A missing column is a property of the file, not of each row: one rejection for the whole source.
                    yield return ReadItem.Reject(0, RejectReasons.UnreadableSource,
                        $"no string column '{options.TextField}', 'raw_content' or 'content' " +
                        $"(columns: {string.Join(", ", columns.Select(c => c.Name))})");
                    yield break;
                }

                long row = 0;
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    var group = reader.OpenRowGroupReader(g);
                    var count = checked((int)group.RowCount);
                    var (batch, error) = await ReadGroupAsync(group, count, text, id, url, ct).ConfigureAwait(false);
                    if (batch is null)
                    {
                        yield return ReadItem.Reject(row + 1, RejectReasons.UnreadableSource,
                            $"row group {g} ({count} rows from row {row + 1}) could not be read: {error}");
                        row += count;
                        continue;
                    }
                    for (var i = 0; i < count; i++)
                    {
                        row++;
                        yield return ToItem(batch.Value.Texts[i], batch.Value.Ids?[i], batch.Value.Urls?[i], row, options);
                    }
                }
            }
        }
        finally
        {
            if (spool is not null) await spool.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static ReadItem ToItem(string? text, string? id, string? url, long row, ReaderOptions options)
    {
        if (text is null) return ReadItem.Reject(row, RejectReasons.MissingText, "text is null");
        if (string.IsNullOrWhiteSpace(text)) return ReadItem.Reject(row, RejectReasons.EmptyText, "text is empty or whitespace only");
        if (text.Length > options.MaxDocumentChars)
            return ReadItem.Reject(row, RejectReasons.OversizedDocument,
                $"text of {text.Length} chars is longer than MaxDocumentChars ({options.MaxDocumentChars})");
        return ReadItem.Of(new RawDocument(id, text, url, row));
    }

    private static DataField? Find(List<DataField> columns, string name, Func<Type, bool> typeFits) =>
        columns.FirstOrDefault(c => c.Name == name && typeFits(c.ClrType));

    // Parquet.Net 6 reports string columns as ReadOnlyMemory<char>.
    private static bool IsString(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static bool IsIdType(Type type) => IsString(type) || type == typeof(long) || type == typeof(int);

    private readonly record struct Batch(string?[] Texts, string?[]? Ids, string?[]? Urls);

    private static async Task<(Batch? Batch, string? Error)> ReadGroupAsync(ParquetRowGroupReader group, int count,
        DataField text, DataField? id, DataField? url, CancellationToken ct)
    {
        try
        {
            var texts = await ReadStringsAsync(group, text, count, ct).ConfigureAwait(false);
            var ids = id is null ? null : await ReadStringsAsync(group, id, count, ct).ConfigureAwait(false);
            var urls = url is null ? null : await ReadStringsAsync(group, url, count, ct).ConfigureAwait(false);
            return (new Batch(texts, ids, urls), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex.Message);
        }
    }

    private static async Task<string?[]> ReadStringsAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken ct)
    {
        var values = new string?[count];
        if (IsString(field.ClrType))
        {
            await group.ReadAsync(field, values.AsMemory()!, null, ct).ConfigureAwait(false);
        }
        else if (field.ClrType == typeof(long))
        {
            await ReadNumbersAsync<long>(group, field, values, ct).ConfigureAwait(false);
        }
        else
        {
            await ReadNumbersAsync<int>(group, field, values, ct).ConfigureAwait(false);
        }
        return values;
    }

    private static async Task ReadNumbersAsync<T>(ParquetRowGroupReader group, DataField field, string?[] values, CancellationToken ct)
        where T : struct, IFormattable
    {
        if (field.IsNullable)
        {
            var numbers = new T?[values.Length];
            await group.ReadAsync<T>(field, numbers.AsMemory(), null, ct).ConfigureAwait(false);
            for (var i = 0; i < values.Length; i++) values[i] = numbers[i]?.ToString(null, CultureInfo.InvariantCulture);
        }
        else
        {
            var numbers = new T[values.Length];
            await group.ReadAsync<T>(field, numbers.AsMemory(), null, ct).ConfigureAwait(false);
            for (var i = 0; i < values.Length; i++) values[i] = numbers[i].ToString(null, CultureInfo.InvariantCulture);
        }
    }

    private static async Task<(ParquetReader? Reader, string? Error)> OpenAsync(Stream stream, CancellationToken ct)
    {
        try
        {
            return (await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, ct).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, ex.Message);
        }
    }

    private static FileStream CreateSpool() =>
        new(ScratchSpace.NewFile("parquet", ".tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private static async Task<SourceDamagedException?> CopyAsync(Stream source, Stream spool, CancellationToken ct)
    {
        try
        {
            await source.CopyToAsync(spool, ct).ConfigureAwait(false);
            return null;
        }
        catch (SourceDamagedException ex)
        {
            return ex;
        }
    }
}
