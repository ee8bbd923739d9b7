using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Panoptic.Storage;

namespace Panoptic.Server.Accounts;

/// <summary>
/// One authentication scheme for the whole API: "Authorization: Bearer" with a session token (a person) or an
/// ingestion key (an application), or the session cookie the dashboard sets. Every check reads the store, so a
/// revoked key or a logged-out session stops working on every replica at once.
/// </summary>
internal sealed class PanopticAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    PanopticStore store, TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Panoptic";
    public const string UserPolicy = "user";
    public const string IngestPolicy = "ingest";
    public const string CookieName = "panoptic_session";
    public const string KindClaim = "panoptic:kind";
    public const string WorkspaceClaim = "panoptic:workspace";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken(Request) ?? Request.Cookies[CookieName];
        // Gateway keys are checked by the gateway itself (its errors are OpenAI-shaped): no store lookup here.
        if (string.IsNullOrEmpty(token) || token.StartsWith(Gateway.GatewayProxy.KeyPrefix, StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var hash = Secrets.Hash(token);
        if (token.StartsWith(Secrets.IngestionKeyPrefix, StringComparison.Ordinal))
        {
            var key = await store.FindIngestionKeyAsync(hash, Context.RequestAborted);
            if (key is not { IsActive: true }) return AuthenticateResult.Fail("unknown or revoked ingestion key");
            return Success(new Claim(ClaimTypes.NameIdentifier, key.Id), new Claim(KindClaim, "key"), new Claim(WorkspaceClaim, key.WorkspaceId));
        }
        var session = await store.FindSessionAsync(hash, time.GetUtcNow(), Context.RequestAborted);
        if (session is null) return AuthenticateResult.Fail("unknown or expired session");
        return Success(new Claim(ClaimTypes.NameIdentifier, session.UserId), new Claim(KindClaim, "user"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send a session token or an ingestion key as 'Authorization: Bearer <token>'; this one is missing, unknown, expired or revoked.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "An ingestion key can send data but not read it or manage the workspace; sign in as a person.");

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
}
