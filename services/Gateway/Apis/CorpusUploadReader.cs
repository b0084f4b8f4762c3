using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Domain;
using Refinery.Gateway.Uploads;
using Refinery.Storage;

namespace Refinery.Gateway.Apis;

/// <summary>Reads a multipart/form-data corpus upload section by section, streaming each file part into the request's
/// staging area (nothing is buffered whole) to be promoted to raw/{name}/{file} once the request is accepted. The name
/// must come before the files, as a form field or as ?name=, because every file's raw key is checked as it arrives.</summary>
internal static class CorpusUploadReader
{
    public const int MaxFieldBytes = 4096;
    public const int MaxFiles = 10_000;

    private static readonly string[] KnownFields = ["name", "textField", "idField", "urlField", "shardDocuments", "detectLanguage", "format"];

    public static async Task<SubmissionRead> ReadAsync(HttpRequest request, UploadStaging staging, long maxBytes, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
        {
            return SubmissionRead.Problem(StatusCodes.Status400BadRequest, "The multipart/form-data Content-Type has no valid boundary.");
        }
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = maxBytes;

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? name = request.Query["name"].FirstOrDefault();
        if (name is not null && CorpusNames.Problem(name) is { } queryProblem)
            return SubmissionRead.Invalid(errors.Add("name", queryProblem));
        var sources = new List<SourceRef>();
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var storing = false; // an IOException while storing is the store's, else the body's
        var reader = new MultipartReader(boundary, new BoundedStream(request.Body, maxBytes, _ => new UploadTooLargeException(), leaveOpen: true)) { BodyLengthLimit = maxBytes };
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    return SubmissionRead.Invalid(errors.Add("$", "every multipart section needs a Content-Disposition: form-data header"));
                }
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    var fieldKey = $"{(field.Length == 0 ? "files" : field)}[{sources.Count}]";
                    if (name is null)
                        return SubmissionRead.Invalid(errors.Add("name",
                            "the name field is required and must come before the file parts (or pass ?name=)"));
                    if (sources.Count >= MaxFiles)
                        return SubmissionRead.Invalid(errors.Add(fieldKey, $"at most {MaxFiles} files may be uploaded at once"));
                    var sent = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    if (UploadFileNames.Sanitize(sent, out var fileProblem) is not { } fileName)
                        return SubmissionRead.Invalid(errors.Add(fieldKey, fileProblem!));
                    // Two parts with one file name (a/x.jsonl, b/x.jsonl) must not overwrite each other.
                    var unique = fileName;
                    for (var i = 2; !usedNames.Add(unique); i++) unique = $"{i}-{fileName}";
                    var key = IngestionKeys.Raw(name!, unique);
                    if (ObjectKey.Problem(key) is { } keyProblem)
                        return SubmissionRead.Invalid(errors.Add(fieldKey, $"the file name makes an invalid key: {keyProblem}"));
                    storing = true;
                    await staging.StageAsync(key, new ClientBodyStream(section.Body), ct);
                    storing = false;
                    sources.Add(new SourceRef { Key = key });
                    continue;
                }

                if (!KnownFields.Contains(field, StringComparer.OrdinalIgnoreCase))
                    return SubmissionRead.Invalid(errors.Add(field.Length == 0 ? "$" : field,
                        $"unknown form field; expected file parts and {string.Join(", ", KnownFields)}"));
                var value = await ReadFieldAsync(section.Body, ct);
                if (value is null)
                    return SubmissionRead.Invalid(errors.Add(field, $"{field} is longer than {MaxFieldBytes} bytes or not UTF-8"));
                if (!fields.TryAdd(field, value))
                    return SubmissionRead.Invalid(errors.Add(field, $"{field} is given more than once"));
                if (field.Equals("name", StringComparison.OrdinalIgnoreCase))
                {
                    if (name is not null && name != value)
                        return SubmissionRead.Invalid(errors.Add("name", "the name field and ?name= differ"));
                    if (CorpusNames.Problem(value) is { } nameProblem)
                        return SubmissionRead.Invalid(errors.Add("name", nameProblem));
                    name = value;
                }
            }
        }
        catch (UploadTooLargeException)
        {
            return TooLarge(maxBytes);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            return TooLarge(maxBytes);
        }
        catch (InvalidDataException ex)
        {
            return SubmissionRead.Problem(StatusCodes.Status400BadRequest, $"The multipart body is malformed: {ex.Message}");
        }
        catch (IOException ex) when (!storing && !ct.IsCancellationRequested)
        {
            // The body ended before its closing boundary, in a part's headers. While a part is stored, ClientBodyStream
            // has already made the body's failures InvalidDataException, so an IOException there is the store's own.
            return SubmissionRead.Problem(StatusCodes.Status400BadRequest, $"The multipart body is truncated or malformed: {ex.Message}");
        }

        if (name is null) errors.Add("name", "name is required");
        if (sources.Count == 0) errors.Add("files", "at least one file part is required");
        var format = SubmissionSettings.Format(fields.GetValueOrDefault("format"), "format", errors);
        var settings = SubmissionSettings.Build(fields.GetValueOrDefault("textField"), fields.GetValueOrDefault("idField"),
            fields.GetValueOrDefault("urlField"), fields.GetValueOrDefault("shardDocuments"),
            fields.GetValueOrDefault("detectLanguage"), "", errors);
        if (errors.Any) return SubmissionRead.Invalid(errors);
        var contents = staging.Parts.Select(p => new SourceContent(p.RawKey, p.Sha256, p.Length)).ToArray();
        return new SubmissionRead(new CorpusSubmission(name!, sources.Select(s => s with { Format = format }).ToArray(), settings, contents));
    }

    private static SubmissionRead TooLarge(long maxBytes) => SubmissionRead.Problem(StatusCodes.Status413PayloadTooLarge,
        $"The upload is larger than {maxBytes} bytes (Refinery:Gateway:MaxUploadBytes).");

    /// <summary>The field's text, or null when it is longer than <see cref="MaxFieldBytes"/> or not UTF-8.</summary>
    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        if (length > MaxFieldBytes) return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>A file part's body as the store reads it: a failure to read the request (it ended early) becomes
/// <see cref="InvalidDataException"/>, so it is told apart from the store's own I/O errors and answered 400.</summary>
internal sealed class ClientBodyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Thrown when an upload exceeds the configured size.</summary>
internal sealed class UploadTooLargeException() : Exception("upload too large");
