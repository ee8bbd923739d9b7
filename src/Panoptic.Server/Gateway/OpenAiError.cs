using System.Text.Json;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Errors in OpenAI's envelope — <c>{"error":{"message","type","param","code"}}</c> — with the status codes OpenAI
/// uses, so every OpenAI client raises its usual exception for the gateway's own errors too.
/// </summary>
internal static class OpenAiError
{
    public static Task WriteAsync(HttpContext http, int status, string message, string type, string? code = null, string? param = null, TimeSpan? retryAfter = null)
    {
        if (http.Response.HasStarted) return Task.CompletedTask;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        if (retryAfter is { } after) http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return http.Response.WriteAsync(Body(message, type, code, param), http.RequestAborted);
    }

    public static string Body(string message, string type, string? code = null, string? param = null) =>
        JsonSerializer.Serialize(new { error = new { message, type, param, code } });

    public static Task InvalidRequest(HttpContext http, string message, string? param = null, string? code = null) =>
        WriteAsync(http, StatusCodes.Status400BadRequest, message, "invalid_request_error", code, param);
}
