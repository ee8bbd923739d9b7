using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Panoptic.Server.Probes;

/// <summary>A check that failed, with a message safe to show (it never includes the resolved target's credentials).</summary>
internal sealed class ProbeFailure(string message) : Exception(message);

/// <summary>
/// One kind of health check. Plug in another by registering an implementation in the service collection: probes
/// whose kind equals <see cref="Kind"/> run through it. A check returns when the target answered as expected and
/// throws (a <see cref="ProbeFailure"/> or anything else) when it did not; the runner times it and applies the timeout.
/// </summary>
public interface IProbeKind
{
    string Kind { get; }

    /// <summary>Whether <paramref name="target"/> (before ${NAME} expansion) is a well-formed target; null when it is, else why not.</summary>
    string? Validate(string target);

    Task CheckAsync(string target, int? expectedStatus, CancellationToken cancellationToken);
}

/// <summary>TCP connect to host:port.</summary>
internal sealed class TcpProbe : IProbeKind
{
    public string Kind => "tcp";

    public string? Validate(string target) => ProbeTargets.HostPort(target) is null && !target.Contains("${", StringComparison.Ordinal) ? "a tcp target is host:port" : null;

    public async Task CheckAsync(string target, int? expectedStatus, CancellationToken cancellationToken)
    {
        var (host, port) = ProbeTargets.HostPort(target) ?? throw new ProbeFailure("the target is not host:port");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new ProbeFailure($"connecting to {host}:{port} failed: {e.SocketErrorCode}");
        }
    }
}

/// <summary>HTTP(S) GET; the expected status, or any 2xx/3xx when none is set.</summary>
internal sealed class HttpProbe(IHttpClientFactory clients) : IProbeKind
{
    public string Kind => "http";

    public string? Validate(string target) => target.Contains("${", StringComparison.Ordinal)
        || (Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") ? null : "an http target is an http:// or https:// URL";

    public async Task CheckAsync(string target, int? expectedStatus, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri)) throw new ProbeFailure("the target is not a URL");
        using var client = clients.CreateClient("panoptic-probes");
        using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var status = (int)response.StatusCode;
        if (expectedStatus is { } expected ? status != expected : status >= 400)
            throw new ProbeFailure($"GET answered {status}{(expectedStatus is { } e ? $", expected {e}" : "")}");
    }
}

/// <summary>PostgreSQL: connects and runs SELECT 1.</summary>
internal sealed class PostgresProbe : IProbeKind
{
    public string Kind => "postgres";

    public string? Validate(string target) => target.Contains("${", StringComparison.Ordinal) || target.StartsWith("postgres://", StringComparison.Ordinal)
        || target.StartsWith("postgresql://", StringComparison.Ordinal) || target.Contains("Host=", StringComparison.OrdinalIgnoreCase)
        ? null : "a postgres target is a postgres:// URL, a Host=... connection string, or ${ENV_VAR} holding one";

    public async Task CheckAsync(string target, int? expectedStatus, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(Storage.Postgres.PostgresStore.ConnectionString(target)) { Pooling = false, Timeout = 30 };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // Npgsql's messages name the host and the failure, never the password.
            throw new ProbeFailure($"PostgreSQL: {(e is PostgresException p ? $"{p.SqlState} {p.MessageText}" : e.InnerException?.Message ?? e.Message)}");
        }
    }
}

/// <summary>Redis: PING over the Redis protocol (RESP), after AUTH when the target carries a password.</summary>
internal sealed class RedisProbe : IProbeKind
{
    public string Kind => "redis";

    public string? Validate(string target) => target.Contains("${", StringComparison.Ordinal) || Parse(target) is not null
        ? null : "a redis target is redis://[:password@]host[:port] or host:port";

    public async Task CheckAsync(string target, int? expectedStatus, CancellationToken cancellationToken)
    {
        var (host, port, user, password) = Parse(target) ?? throw new ProbeFailure("the target is not a Redis address");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new ProbeFailure($"connecting to {host}:{port} failed: {e.SocketErrorCode}");
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        if (password is not null)
        {
            var auth = user is null ? Command("AUTH", password) : Command("AUTH", user, password);
            await stream.WriteAsync(auth, cancellationToken);
            var answer = await ReadLineAsync(stream, cancellationToken);
            if (answer != "+OK") throw new ProbeFailure("Redis refused the credentials");
        }
        await stream.WriteAsync(Command("PING"), cancellationToken);
        var pong = await ReadLineAsync(stream, cancellationToken);
        if (pong != "+PONG") throw new ProbeFailure($"Redis answered PING with {(pong.StartsWith('-') ? pong[1..] : "something else")}");
    }

    internal static (string Host, int Port, string? User, string? Password)? Parse(string target)
    {
        if (target.StartsWith("redis://", StringComparison.Ordinal) || target.StartsWith("rediss://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Host.Length == 0) return null;
            string? user = null, password = null;
            if (uri.UserInfo.Length > 0)
            {
                var parts = uri.UserInfo.Split(':', 2);
                (user, password) = parts.Length == 2 ? (parts[0].Length == 0 ? null : Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1])) : (null, Uri.UnescapeDataString(parts[0]));
            }
            return (uri.Host, uri.Port > 0 ? uri.Port : 6379, user, password);
        }
        return ProbeTargets.HostPort(target) is { } hp ? (hp.Host, hp.Port, null, null) : null;
    }

    private static byte[] Command(params string[] parts)
    {
        var text = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts) text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<string> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (line.Count < 512)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0) throw new ProbeFailure("Redis closed the connection");
            if (one[0] == '\n' && line.Count > 0 && line[^1] == '\r') return Encoding.UTF8.GetString([.. line[..^1]]);
            line.Add(one[0]);
        }
        throw new ProbeFailure("Redis answered with an overlong line");
    }
}

/// <summary>Targets: host:port parsing, ${NAME} expansion from the server's environment, and the no-credentials rule.</summary>
internal static class ProbeTargets
{
    public static (string Host, int Port)? HostPort(string target)
    {
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535) return null;
        var host = target[..colon].Trim('[', ']');
        return host.Length == 0 || host.Contains('/', StringComparison.Ordinal) ? null : (host, port);
    }

    /// <summary>Replaces each ${NAME} with the server's environment variable; a missing one fails the check (by name only).</summary>
    public static string Expand(string target) => System.Text.RegularExpressions.Regex.Replace(target, @"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
        m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } value ? value : throw new ProbeFailure($"environment variable {m.Groups[1].Value} is not set on the server"));

    /// <summary>
    /// Why a literal target may not be stored: it carries a password. Credentials belong in an environment variable
    /// of the server, referenced as ${NAME}, so Panoptic never stores or shows them.
    /// </summary>
    public static string? Credentials(string target)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal) && !uri.UserInfo.EndsWith(':'))
            return "the target holds a password: put the address in an environment variable of the server and give ${NAME} as the target";
        if (Uri.TryCreate(target, UriKind.Absolute, out uri) && uri.Scheme.StartsWith("redis", StringComparison.Ordinal) && uri.UserInfo.Length > 0)
            return "the target holds a password: put the address in an environment variable of the server and give ${NAME} as the target";
        if (System.Text.RegularExpressions.Regex.IsMatch(target, @"(?i)(^|;)\s*(password|pwd)\s*="))
            return "the target holds a password: put the connection string in an environment variable of the server and give ${NAME} as the target";
        return null;
    }
}
