using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Panoptic.Server;

/// <summary>RFC 9457 problem details, the error shape of every /api response.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>Another workspace's ids and ids that do not exist look the same: nothing leaks.</summary>
    public static ProblemHttpResult NotFound(string what) => Of(StatusCodes.Status404NotFound, "Not found", $"no such {what} in this workspace");

    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ProblemDetails { Status = status, Title = title, Detail = detail },
            options: null, contentType: "application/problem+json", cancellationToken: context.RequestAborted);
    }
}
