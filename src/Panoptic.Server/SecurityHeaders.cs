namespace Panoptic.Server;

/// <summary>
/// Headers on every answer that tell a browser what the server's content may do: nothing it serves runs script (the
/// dashboard has none, so a markup injection could not run any either), pages load styles and images only from the
/// server, forms post only to it, no other site may frame a page (a framed "Revoke" button cannot be clicked by
/// trickery), no content type is guessed, and no address leaks to other sites.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static Task Middleware(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpContext)state).Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
