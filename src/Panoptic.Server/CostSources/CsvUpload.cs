using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Panoptic.Server.Accounts;
using Panoptic.Storage;

namespace Panoptic.Server.CostSources;

/// <summary>
/// POST /api/v1/cost-sources/{id}/upload: an invoice export as the body (text/csv) or as a multipart file. The file's
/// days replace those days of this source. A file with a bad line imports nothing (422, every bad line by number);
/// past <see cref="MaxBytes"/> it is refused unread (413).
/// </summary>
internal static class CsvUpload
{
    public const int MaxBytes = 8 * 1024 * 1024;

    public sealed record LineProblem(int Line, string Error);

    public sealed record UploadView(int Days, int Rows, decimal CostUsd, DateOnly? From, DateOnly? To);

    public static async Task<Results<Ok<UploadView>, ProblemHttpResult>> UploadAsync(string id, HttpContext http, WorkspaceScope scope, PanopticStore store, CostImporter importer,
        CancellationToken cancellationToken)
    {
        if (await store.CostSourceAsync(scope.WorkspaceId, id, cancellationToken) is not { } source) return Problems.NotFound("cost source");
        if (source.IsScheduled) return Problems.BadRequest($"only a csv source takes uploads; this one syncs from {source.Kind} (POST /api/v1/cost-sources/{id}/sync)");
        var tooLarge = Problems.Of(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"the file is over {MaxBytes / 1024 / 1024} MB: split it by month");
        if (http.Request.ContentLength > MaxBytes + 64 * 1024) return tooLarge;
        var body = http.Request.Body;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = MaxBytes + 64 * 1024 }, cancellationToken);
            if (form.Files.Count != 1) return Problems.BadRequest("send one file (form field file), or the CSV itself as the body with Content-Type: text/csv");
            body = form.Files[0].OpenReadStream();
        }
        var bytes = await ReadAtMostAsync(body, MaxBytes, cancellationToken);
        if (bytes is null) return tooLarge;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Problems.BadRequest("the file is not UTF-8 text: export the invoice as CSV");
        }
        var parsed = CsvCostImport.Parse(text);
        if (parsed.Errors.Count > 0)
        {
            var lines = parsed.Errors.Select(e => new LineProblem(e.Line, e.Error)).ToList();
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "Unprocessable CSV",
                $"{lines.Count}{(lines.Count >= CsvCostImport.MaxErrors ? "+" : "")} bad line(s), nothing imported: line {lines[0].Line}: {lines[0].Error}",
                new Dictionary<string, object?> { ["errors"] = lines });
        }
        var result = await importer.ImportAsync(source, parsed.Rows, cancellationToken);
        var days = parsed.Rows.Select(r => r.Day).ToList();
        return TypedResults.Ok(new UploadView(result.Days, result.Rows, result.CostUsd, days.Count > 0 ? days.Min() : null, days.Count > 0 ? days.Max() : null));
    }

    /// <summary>The whole stream, or null as soon as it passes <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
