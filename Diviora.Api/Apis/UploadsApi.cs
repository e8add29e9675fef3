using Diviora.Api.Access;
using Diviora.Core;
using Diviora.Core.Catalog;
using Diviora.Core.Ingestion;
using Diviora.Core.Ingestion.Schema;
using Diviora.Core.Ingestion.Readers;
using Diviora.Core.Messaging;
using Diviora.Core.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Diviora.Api.Apis;

/// <summary>Uploads: a file streams into Blob Storage, a run is queued, and the worker takes it from there.</summary>
public static class UploadsApi
{
    private const string FileField = "file";

    public static IEndpointRouteBuilder MapUploadsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/datasets/{dataset}/uploads", UploadAsync)
            .WithName("UploadFile")
            .WithSummary("Upload a file into a dataset")
            .WithDescription("Send multipart/form-data with one file field named 'file'. The file is stored unchanged and a run is queued; " +
                "poll the run at the Location given until it ends. The format is detected from the file name and content; override it " +
                "with the query parameters format (csv, tsv, xlsx, json, jsonl), delimiter (one character or 'tab'), encoding " +
                "(utf-8, utf-16le, utf-16be, windows-1252), header (true or false) and sheet.")
            .WithTags("Uploads")
            .Accepts<IFormFile>("multipart/form-data")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The body is read as a stream, so describe the form by hand: one required binary field.
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["multipart/form-data"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string> { FileField },
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    [FileField] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The file, stored unchanged." },
                                },
                            },
                        },
                    },
                };
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireAuthorization(AppRoles.Editor)
            .DisableAntiforgery();
        app.MapPost("/api/uploads/detect", DetectAsync)
            .WithName("DetectFormat")
            .WithSummary("Detect how a file would be read, from its first bytes")
            .WithDescription($"Send the first bytes of a file as application/octet-stream (at most {MaxSampleBytes / 1024 / 1024} MiB are read, " +
                "the rest is ignored) with fileName, and optionally the upload's format options (format, delimiter, encoding, header, " +
                "sheet). The answer gives the format (csv, tsv, xlsx, json, jsonl), delimiter (',' ';' 'tab' ...) and encoding of " +
                "delimited text, header, the columns with the types a run would infer from the sample, the first 10 records as text, " +
                "compressed (gzip) and sampleIsWhole. A sample cut mid-record ends at its last whole record; a gzip sample is " +
                "decompressed as far as it goes. An .xlsx workbook is read only when the sample is the whole file (then sheets lists " +
                "its sheets); from a part of one, columns and rows are empty.")
            .WithTags("Uploads")
            .Accepts<byte[]>("application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .RequireAuthorization(AppRoles.Editor)
            .DisableAntiforgery();
        return app;
    }

    /// <summary>The most of a file's first bytes that format detection reads.</summary>
    private const int MaxSampleBytes = 1024 * 1024;

    internal static async Task<Results<Ok<DetectResponse>, ProblemHttpResult>> DetectAsync(
        HttpRequest request, IOptions<IngestionLimits> limits, CancellationToken cancellationToken, string? fileName = null)
    {
        if (FormatOptionsOf(request.Query, out var formatOptions) is { } invalid)
        {
            return Problems.BadRequest("Invalid format option", invalid);
        }

        var buffer = new byte[MaxSampleBytes];
        var read = 0;
        while (read < buffer.Length && await request.Body.ReadAsync(buffer.AsMemory(read), cancellationToken) is var n and > 0)
        {
            read += n;
        }

        if (read == 0)
        {
            return Problems.BadRequest("Empty sample", "Send the first bytes of the file as the request body.");
        }

        // The sample is the whole file when the body ends within the limit; one byte more says whether it does.
        var complete = read < buffer.Length || await request.Body.ReadAsync(new byte[1], cancellationToken) == 0;
        try
        {
            var preview = SamplePreview.Read(buffer[..read], complete, fileName, formatOptions, limits.Value);
            var format = preview.Format;
            var delimited = format.Kind == PayloadKind.Delimited;
            return TypedResults.Ok(new DetectResponse(
                format.Name,
                delimited ? (format.Delimiter == '\t' ? "tab" : format.Delimiter.ToString()) : null,
                delimited ? EncodingName(format.Encoding) : null,
                format.HasHeader, preview.Sheet, preview.Sheets, format.Compressed,
                [.. preview.Columns.Select(c => new DetectedColumn(c.Name, ColumnValues.Name(c.Type)))],
                preview.Rows, preview.SampleIsWhole));
        }
        catch (IngestionDataException e)
        {
            return Problems.BadRequest("Unreadable sample", e.Message);
        }
    }

    /// <summary>An encoding by the name the upload's encoding option takes; UTF-8 when the reader decides (none given, or a UTF-8 byte order mark).</summary>
    private static string EncodingName(System.Text.Encoding? encoding) => encoding switch
    {
        null or System.Text.UTF8Encoding => "utf-8",
        System.Text.UnicodeEncoding { CodePage: 1201 } => "utf-16be",
        System.Text.UnicodeEncoding => "utf-16le",
        _ => encoding.WebName,
    };

    internal static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> UploadAsync(
        string dataset, HttpContext context, CatalogDbContext catalog, RawStore raw, IIngestionQueue queue,
        IOptions<UploadOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!DatasetName.IsValid(dataset))
        {
            return Problems.InvalidDatasetName(dataset);
        }

        var request = context.Request;
        if (FormatOptionsOf(request.Query, out var formatOptions) is { } invalid)
        {
            return Problems.BadRequest("Invalid format option", invalid);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Problems.BadRequest("Not a file upload", $"Send the file as multipart/form-data in a field named '{FileField}'.");
        }

        // Our own limit applies to the file; Kestrel's default 30 MB body limit would cut real files short.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                !disposition.IsFileDisposition() || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FileField, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            var upload = new UploadRequest(dataset, fileName, formatOptions, Actor.NameOf(context.User));
            return await AcceptAsync(upload, section, catalog, raw, queue, options.Value, time, cancellationToken);
        }

        return Problems.BadRequest("No file", $"The form has no file field named '{FileField}'.");
    }

    private static async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> AcceptAsync(
        UploadRequest upload, MultipartSection section, CatalogDbContext catalog, RawStore raw, IIngestionQueue queue,
        UploadOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (datasetName, fileName, formatOptions, startedBy) = upload;
        var runId = Guid.CreateVersion7();
        var blobName = RawStore.BlobNameFor(datasetName, runId, fileName);
        var body = new ByteLimitStream(section.Body, options.MaxFileBytes, limit => new BodyTooLargeException("file", limit));
        try
        {
            await raw.UploadAsync(blobName, body, section.ContentType, cancellationToken);
        }
        catch (BodyTooLargeException e)
        {
            await raw.DeleteIfExistsAsync(blobName, CancellationToken.None);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large");
        }

        if (body.BytesRead == 0)
        {
            await raw.DeleteIfExistsAsync(blobName, CancellationToken.None);
            return Problems.BadRequest("Empty file", $"The file '{fileName}' is empty.");
        }

        var dataset = await Dataset.FindOrCreateAsync(catalog, datasetName, time.GetUtcNow().UtcDateTime, cancellationToken);
        var run = Run.Queue(runId, dataset, new RunPayload(blobName, fileName, body.BytesRead, RunOptions.Serialize(formatOptions)), startedBy,
            time.GetUtcNow().UtcDateTime);
        catalog.Runs.Add(run);
        await catalog.SaveChangesAsync(cancellationToken);

        return await RunQueueing.SendOrFailAsync(catalog, queue, run, time.GetUtcNow().UtcDateTime) is { } notQueued
            ? TypedResults.Problem(notQueued, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Queue unavailable")
            : TypedResults.Accepted($"/api/runs/{runId}", new UploadAccepted(runId, nameof(RunStatus.Queued)));
    }

    /// <summary>One file being uploaded: where it goes, how to read it, and who sent it.</summary>
    private sealed record UploadRequest(string Dataset, string? FileName, FormatOptions FormatOptions, string StartedBy);

    /// <summary>Reads the format overrides from the query string; returns what is wrong with them, or null.</summary>
    private static string? FormatOptionsOf(IQueryCollection query, out FormatOptions options)
    {
        options = new FormatOptions();
        bool? header = null;
        if (query["header"] is { Count: > 0 } headerValue)
        {
            if (!bool.TryParse(headerValue, out var parsed))
            {
                return $"header must be true or false; it was '{headerValue}'.";
            }

            header = parsed;
        }

        options = new FormatOptions
        {
            Format = query["format"].FirstOrDefault(),
            Delimiter = query["delimiter"].FirstOrDefault(),
            Encoding = query["encoding"].FirstOrDefault(),
            Header = header,
            Sheet = query["sheet"].FirstOrDefault(),
        };
        return options.Validate();
    }
}
