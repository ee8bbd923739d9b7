using System.Globalization;
using System.Net.Mail;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Panoptic.Storage;
using Panoptic.Storage.Accounts;

namespace Panoptic.Server.Accounts;

/// <summary>Sign up, log in, log out, and who am I: /api/v1/auth and /api/v1/me.</summary>
internal static class AccountEndpoints
{
    public sealed record Credentials(string? Email, string? Password);

    public sealed record SignedUp(string UserId, string Email);

    public sealed record LoggedIn(string Token, DateTimeOffset ExpiresAt, string UserId);

    public sealed record Me(string UserId, string Email, IReadOnlyList<WorkspaceEndpoints.WorkspaceView> Workspaces);

    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Accounts");
        auth.MapPost("/signup", SignUpAsync);
        auth.MapPost("/login", LogInAsync);
        auth.MapPost("/logout", LogOutAsync).RequireAuthorization(PanopticAuthentication.UserPolicy);
        app.MapGet("/api/v1/me", MeAsync).WithTags("Accounts").RequireAuthorization(PanopticAuthentication.UserPolicy);
        return auth;
    }

    public static async Task<Results<Created<SignedUp>, ProblemHttpResult>> SignUpAsync(Credentials body, PanopticStore store, IOptions<ServerOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var email = NormalizeEmail(body.Email);
        if (email is null) return Problems.BadRequest("email: a valid email address is required");
        if (body.Password is null || body.Password.Length < 12) return Problems.BadRequest("password: at least 12 characters");
        if (body.Password.Length > 1024) return Problems.BadRequest("password: at most 1024 characters");
        if (!options.Value.AllowSignup && await store.AnyUserAsync(cancellationToken))
            return Problems.Of(StatusCodes.Status403Forbidden, "Forbidden", "sign-up is closed on this server (Panoptic:AllowSignup=false); ask its owner for an account");
        var user = new User(Secrets.NewId("usr_"), email, PasswordHasher.Hash(body.Password, options.Value.PasswordIterations), time.GetUtcNow());
        if (!await store.CreateUserAsync(user, cancellationToken))
            return Problems.Of(StatusCodes.Status409Conflict, "Conflict", "an account with this email already exists");
        return TypedResults.Created("/api/v1/me", new SignedUp(user.Id, user.Email));
    }

    public static async Task<Results<Ok<LoggedIn>, ProblemHttpResult>> LogInAsync(Credentials body, PanopticStore store, IOptions<ServerOptions> options,
        TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var email = NormalizeEmail(body.Email);
        if (email is null || string.IsNullOrEmpty(body.Password)) return Problems.BadRequest("email and password are required");
        var now = time.GetUtcNow();
        // Counted in the store, so the limits hold across replicas and restarts. Per email and address, so a stranger's
        // guesses lock out the stranger and not the owner; per address over all emails, so spraying one password
        // over many accounts is throttled too.
        var address = ClientAddress.Of(http);
        var since = now - settings.LoginWindow;
        var (fromAddress, lastFromAddress) = await store.RecentAddressLoginFailuresAsync(address, since, cancellationToken);
        if (fromAddress >= settings.MaxLoginFailuresPerAddress && lastFromAddress is { } spray)
            return TooMany(http, spray + settings.LoginWindow - now, "too many failed logins from this address");
        var (failures, latest) = await store.RecentLoginFailuresAsync(email, address, since, cancellationToken);
        if (failures >= settings.MaxLoginFailures && latest is { } last)
            return TooMany(http, last + settings.LoginWindow - now, "too many failed logins for this account from this address");
        var user = await store.FindUserByEmailAsync(email, cancellationToken);
        // The same work and the same answer whether the email exists or not.
        var valid = PasswordHasher.Verify(body.Password, user?.PasswordHash ?? DummyHashes.GetOrAdd(settings.PasswordIterations, i => PasswordHasher.Hash(Guid.NewGuid().ToString(), i))) && user is not null;
        await store.RecordLoginAttemptAsync(email, address, now, valid, cancellationToken);
        if (!valid) return Problems.Of(StatusCodes.Status401Unauthorized, "Unauthorized", "wrong email or password");
        var token = Secrets.NewToken(Secrets.SessionPrefix);
        var session = new Session(Secrets.Hash(token), user!.Id, now, now + settings.SessionLifetime);
        await store.CreateSessionAsync(session, cancellationToken);
        return TypedResults.Ok(new LoggedIn(token, session.ExpiresAt, user.Id));
    }

    private static ProblemHttpResult TooMany(HttpContext http, TimeSpan left, string what)
    {
        var wait = Math.Max(1, (int)Math.Ceiling(left.TotalSeconds));
        http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        return Problems.Of(StatusCodes.Status429TooManyRequests, "Too many requests", $"{what}; try again in {wait} seconds");
    }

    public static async Task<NoContent> LogOutAsync(HttpContext http, PanopticStore store, CancellationToken cancellationToken)
    {
        var token = PanopticAuthentication.BearerToken(http.Request) ?? http.Request.Cookies[PanopticAuthentication.CookieName];
        if (token is not null) await store.DeleteSessionAsync(Secrets.Hash(token), cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<Me>, ProblemHttpResult>> MeAsync(ClaimsPrincipal principal, PanopticStore store, CancellationToken cancellationToken)
    {
        var user = await store.FindUserAsync(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken);
        if (user is null) return Problems.Of(StatusCodes.Status401Unauthorized, "Unauthorized", "this account no longer exists");
        var memberships = await store.MembershipsAsync(user.Id, cancellationToken);
        return TypedResults.Ok(new Me(user.Id, user.Email, [.. memberships.Select(WorkspaceEndpoints.View)]));
    }

    internal static string? NormalizeEmail(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254) return null;
        var trimmed = email.Trim();
        return MailAddress.TryCreate(trimmed, out var address) && address.Address == trimmed ? trimmed.ToLowerInvariant() : null;
    }

    /// <summary>
    /// Hashes to verify against when the email is unknown, with the iteration count real accounts get, so timing does
    /// not reveal which emails have accounts. Immutable once computed: one per configured count.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> DummyHashes = new();
}
