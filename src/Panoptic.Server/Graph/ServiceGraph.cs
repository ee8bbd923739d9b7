using Microsoft.Extensions.Options;
using Panoptic.Server.Traces;

namespace Panoptic.Server.Graph;

/// <summary>
/// Builds service-graph edges from spans the way established tracing backends do: a client span and the server span
/// whose parent it is form one request from the client's service to the server's, whichever arrives first; each half
/// waits up to <see cref="ServerOptions.GraphWait"/> for the other. A client span that finds no server becomes an
/// edge to a virtual node named from its peer attributes (an uninstrumented service, an external API); a database
/// call needs no partner; a server span with no parent, or whose caller never reports, hangs from the "user" node.
/// Edges are summed per minute here and drained to the store by <see cref="GraphFlushService"/>.
/// Pairing is per process: spans of one trace must reach one server, as a collector's trace-id load balancing does.
/// </summary>
internal sealed class ServiceGraph(TimeProvider time, IOptions<ServerOptions> options)
{
    public const string User = "user";

    private readonly Lock _lock = new();
    private readonly Dictionary<SpanKey, Half> _clients = [];
    private readonly Dictionary<SpanKey, Half> _servers = [];
    private readonly Queue<(DateTimeOffset Expires, SpanKey Key, bool Client)> _expiry = new();
    private Dictionary<EdgeKey, EdgeFigures> _edges = [];
    private long _expiredUnpaired;

    /// <summary>Spans waiting for their other half (bounded by <see cref="ServerOptions.GraphMaxPending"/>).</summary>
    public int Pending
    {
        get
        {
            lock (_lock) return _clients.Count + _servers.Count;
        }
    }

    /// <summary>Client spans that expired with no partner and no peer attribute to name a virtual node.</summary>
    public long ExpiredUnpaired => Interlocked.Read(ref _expiredUnpaired);

    public void Add(string workspace, IReadOnlyList<TraceSpan> spans)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        lock (_lock)
        {
            foreach (var span in spans)
            {
                switch (span.Kind)
                {
                    case SpanKind.Client or SpanKind.Producer:
                        AddClient(workspace, span, now + settings.GraphWait);
                        break;
                    case SpanKind.Server or SpanKind.Consumer:
                        AddServer(workspace, span, now + settings.GraphWait);
                        break;
                }
            }
            // A flood of spans whose partners never come must not grow memory without bound: the oldest expire early.
            while (_clients.Count + _servers.Count > settings.GraphMaxPending && _expiry.Count > 0) Expire(_expiry.Dequeue());
        }
    }

    /// <summary>Expires the halves whose wait is over and hands over the edges summed so far.</summary>
    public Dictionary<EdgeKey, EdgeFigures> Drain(bool everything = false)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            while (_expiry.TryPeek(out var next) && (everything || next.Expires <= now)) Expire(_expiry.Dequeue());
            var edges = _edges;
            _edges = [];
            return edges;
        }
    }

    private void AddClient(string workspace, TraceSpan span, DateTimeOffset expires)
    {
        var messaging = span.Kind == SpanKind.Producer;
        if (!messaging && span.Attribute("db.system.name", "db.system")?.ToString() is { Length: > 0 } database)
        {
            Record(workspace, span.StartNanos, span.Service, database.ToLowerInvariant(), "database", IsFailed(span), span.DurationMs / 1000, null);
            return;
        }
        var key = new SpanKey(workspace, span.TraceId, span.SpanId);
        var half = Half.Of(span, messaging);
        if (_servers.Remove(key, out var server)) Pair(workspace, half, server);
        else if (_clients.TryAdd(key, half)) _expiry.Enqueue((expires, key, true));
    }

    private void AddServer(string workspace, TraceSpan span, DateTimeOffset expires)
    {
        var half = Half.Of(span, span.Kind == SpanKind.Consumer);
        if (span.ParentSpanId == 0)
        {
            Record(workspace, span.StartNanos, User, span.Service, "", half.Failed, null, half.Seconds);
            return;
        }
        var key = new SpanKey(workspace, span.TraceId, span.ParentSpanId);
        if (_clients.Remove(key, out var client)) Pair(workspace, client, half);
        else if (_servers.TryAdd(key, half)) _expiry.Enqueue((expires, key, false));
    }

    private void Pair(string workspace, Half client, Half server) =>
        Record(workspace, client.StartNanos, client.Service, server.Service, client.Messaging || server.Messaging ? "messaging_system" : "",
            client.Failed || server.Failed, client.Seconds, server.Seconds);

    private void Expire((DateTimeOffset Expires, SpanKey Key, bool Client) entry)
    {
        if (entry.Client)
        {
            if (!_clients.Remove(entry.Key, out var client)) return; // paired meanwhile
            if (client.Peer is { } peer) Record(entry.Key.Workspace, client.StartNanos, client.Service, peer, "virtual_node", client.Failed, client.Seconds, null);
            else Interlocked.Increment(ref _expiredUnpaired);
        }
        else if (_servers.Remove(entry.Key, out var server))
        {
            // Its caller never reported a client span: an uninstrumented client, or a caller outside the system.
            Record(entry.Key.Workspace, server.StartNanos, User, server.Service, server.Messaging ? "messaging_system" : "", server.Failed, null, server.Seconds);
        }
    }

    private void Record(string workspace, ulong startNanos, string client, string server, string connectionType, bool failed, double? clientSeconds, double? serverSeconds)
    {
        var minute = (long)(startNanos / 1_000_000 / 60_000 * 60_000);
        var key = new EdgeKey(workspace, minute, client, server, connectionType);
        if (!_edges.TryGetValue(key, out var figures)) _edges[key] = figures = new EdgeFigures();
        figures.Add(failed, clientSeconds, serverSeconds);
    }

    private static bool IsFailed(TraceSpan span) => span.Status == SpanStatus.Error;

    /// <summary>The name of the node a client span calls when no server span answers it, from the semantic conventions' peer attributes (old and new names).</summary>
    public static string? PeerOf(TraceSpan span)
    {
        if (span.Attribute("peer.service", "service.peer.name")?.ToString() is { Length: > 0 } service) return service;
        var host = span.Attribute("server.address", "net.peer.name", "http.host")?.ToString();
        if (string.IsNullOrWhiteSpace(host) && span.Attribute("url.full", "http.url")?.ToString() is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)) host = uri.Host;
        if (string.IsNullOrWhiteSpace(host)) return null;
        var colon = host.LastIndexOf(':');
        return (colon > 0 && !host.Contains(']', StringComparison.Ordinal) && host.Count(c => c == ':') == 1 ? host[..colon] : host).ToLowerInvariant();
    }

    internal readonly record struct SpanKey(string Workspace, UInt128 Trace, ulong Span);

    private sealed record Half(string Service, ulong StartNanos, double Seconds, bool Failed, bool Messaging, string? Peer)
    {
        public static Half Of(TraceSpan span, bool messaging) => new(span.Service, span.StartNanos, span.DurationMs / 1000, IsFailed(span), messaging,
            span.Kind is SpanKind.Client or SpanKind.Producer ? PeerOf(span) : null);
    }
}

/// <summary>One edge in one minute of one workspace.</summary>
internal readonly record struct EdgeKey(string Workspace, long Minute, string Client, string Server, string ConnectionType);

/// <summary>What one edge carried in one minute: requests, failures, and latency as each side measured it.</summary>
internal sealed class EdgeFigures
{
    public long Requests { get; set; }
    public long Failed { get; set; }
    public double ClientSeconds { get; set; }
    public double ServerSeconds { get; set; }
    public long[] Client { get; init; } = new long[LatencyHistogram.Buckets];
    public long[] Server { get; init; } = new long[LatencyHistogram.Buckets];

    public void Add(bool failed, double? clientSeconds, double? serverSeconds)
    {
        Requests++;
        if (failed) Failed++;
        if (clientSeconds is { } c)
        {
            ClientSeconds += c;
            Client[LatencyHistogram.BucketOf(c)]++;
        }
        if (serverSeconds is { } s)
        {
            ServerSeconds += s;
            Server[LatencyHistogram.BucketOf(s)]++;
        }
    }

    public void Add(EdgeFigures other)
    {
        Requests += other.Requests;
        Failed += other.Failed;
        ClientSeconds += other.ClientSeconds;
        ServerSeconds += other.ServerSeconds;
        for (var i = 0; i < LatencyHistogram.Buckets; i++)
        {
            Client[i] += other.Client[i];
            Server[i] += other.Server[i];
        }
    }
}
