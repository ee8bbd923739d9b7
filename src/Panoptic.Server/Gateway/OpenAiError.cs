using System.Text.Json;

namespace Panoptic.Server.Gateway;

/// <summary>
/// Errors in OpenAI's envelope — <c>{"error":{"message","type","param","code"}}</c> — with the status codes OpenAI
/// uses, so every OpenAI client raises its usual exception for the gateway's own errors too. On /v1/messages the same
/// errors use Anthropic's envelope, <c>{"type":"error","error":{"type","message"}}</c>, for Anthropic clients.
/// </summary>
internal static class OpenAiError
{
    public static Task WriteAsync(HttpContext http, int status, string message, string type, string? code = null, string? param = null, TimeSpan? retryAfter = null)
    {
        if (http.Response.HasStarted) return Task.CompletedTask;
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        if (retryAfter is { } after) http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = http.Request.Path.StartsWithSegments("/v1/messages") ? AnthropicBody(status, message) : Body(message, type, code, param);
        return http.Response.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>Anthropic's error envelope, its type chosen by status as Anthropic's API does.</summary>
    public static string AnthropicBody(int status, string message) => JsonSerializer.Serialize(new
    {
        type = "error",
        error = new
        {
            type = status switch
            {
                401 => "authentication_error",
                403 => "permission_error",
                404 => "not_found_error",
                413 => "request_too_large",
                429 => "rate_limit_error",
                502 or 503 => "overloaded_error",
                504 => "timeout_error",
                >= 500 => "api_error",
                _ => "invalid_request_error",
            },
            message,
        },
    });

    /// <summary>An error told inside a stream that has already begun (its status cannot change any more), in the endpoint's own dialect.</summary>
    public static string StreamEvent(HttpContext http, int status, string message, string type) =>
        http.Request.Path.StartsWithSegments("/v1/messages") ? "event: error\ndata: " + AnthropicBody(status, message) + "\n\n" : "data: " + Body(message, type) + "\n\n";

    public static string Body(string message, string type, string? code = null, string? param = null) =>
        JsonSerializer.Serialize(new { error = new { message, type, param, code } });

    public static Task InvalidRequest(HttpContext http, string message, string? param = null, string? code = null) =>
        WriteAsync(http, StatusCodes.Status400BadRequest, message, "invalid_request_error", code, param);
}
