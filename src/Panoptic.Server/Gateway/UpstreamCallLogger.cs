using Microsoft.Extensions.Http.Logging;

namespace Panoptic.Server.Gateway;

/// <summary>
/// One debug line per upstream call, instead of HttpClient's four at information: the gateway's own log table is the
/// record of every request. The address is logged without its query, where some providers put a key.
/// </summary>
internal sealed partial class UpstreamCallLogger(ILogger<UpstreamCallLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        var address = Address(request);
        LogCall(logger, request.Method.Method, address, (int)response.StatusCode, elapsed.TotalMilliseconds);
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        if (!logger.IsEnabled(LogLevel.Debug)) return;
        var (address, error) = (Address(request), exception.GetType().Name);
        LogFailed(logger, request.Method.Method, address, error, elapsed.TotalMilliseconds);
    }

    private static string Address(HttpRequestMessage request) => request.RequestUri?.GetLeftPart(UriPartial.Path) ?? "";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream {Method} {Address} answered {Status} in {ElapsedMs:0.#} ms")]
    private static partial void LogCall(ILogger logger, string method, string address, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream {Method} {Address} failed ({Error}) after {ElapsedMs:0.#} ms")]
    private static partial void LogFailed(ILogger logger, string method, string address, string error, double elapsedMs);
}
