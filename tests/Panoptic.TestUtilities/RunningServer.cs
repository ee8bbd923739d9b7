using Microsoft.Extensions.Logging;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Server;

namespace Panoptic.TestUtilities;

/// <summary>
/// The real server (PanopticServer's composition root, Kestrel on a free loopback port) over a given database, with
/// a fake clock. Passwords are hashed with 1,000 iterations instead of 600,000 to keep the suite fast; the hashing
/// code is the same.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly WebApplication _app;

    private RunningServer(WebApplication app, Uri address, FakeTimeProvider time)
    {
        _app = app;
        Address = address;
        Time = time;
    }

    public Uri Address { get; }

    public FakeTimeProvider Time { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="urls">Where to listen; a free loopback port by default (a test restarting a server passes the old address).</param>
    /// <param name="services">Replaces services after the composition root registered them (a test's fake of the world outside).</param>
    public static async Task<RunningServer> StartAsync(string? database, string dataDirectory, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null,
        string urls = "http://127.0.0.1:0", Action<IServiceCollection>? services = null)
    {
        var builder = PanopticServer.CreateBuilder(["--urls", urls]);
        var config = new Dictionary<string, string?>
        {
            ["Panoptic:DataDirectory"] = dataDirectory,
            ["Panoptic:Database"] = database,
            ["Panoptic:PasswordIterations"] = "1000",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests run the alert evaluator and delivery, and the probes, themselves, at the moments they choose.
            ["Panoptic:AlertInterval"] = "1.00:00:00",
            ["Panoptic:ProbeTick"] = "1.00:00:00",
            ["Panoptic:CostSyncTick"] = "1.00:00:00",
            ["Panoptic:LiveCheckTick"] = "1.00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        var clock = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(clock);
        services?.Invoke(builder.Services);
        var logs = new CapturedLogs();
        builder.Logging.AddProvider(logs);
        var app = PanopticServer.Build(builder);
        await app.StartAsync();
        return new RunningServer(app, new Uri(app.Urls.First()), clock) { Captured = logs };
    }

    /// <summary>Everything the server logged at the configured level (Logging:LogLevel:Default; Warning unless a test asks for more), exceptions included.</summary>
    public string Logs => Captured.Text;

    private CapturedLogs Captured { get; init; } = new();

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text
        {
            get { lock (_text) return _text.ToString(); }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._text) owner._text.Append(logLevel).Append(' ').Append(category).Append(": ").Append(formatter(state, exception)).Append(' ').AppendLine(exception?.ToString());
            }
        }
    }

    public HttpClient Client(string? token = null, string? workspace = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (workspace is not null) client.DefaultRequestHeaders.Add("Panoptic-Workspace", workspace);
        return client;
    }

    /// <summary>
    /// A client whose connections come from <paramref name="localAddress"/> (any of 127.0.0.0/8 on Linux): another
    /// client address for the server, over real loopback sockets.
    /// </summary>
    public HttpClient ClientFrom(string localAddress, string? token = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false, AllowAutoRedirect = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Address };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Signs up, logs in, creates a workspace and an ingestion key: what every new user does first.</summary>
    public Task<Onboarding.Tenant> OnboardAsync(string email, string workspace = "Acme") => Onboarding.OnboardAsync(Address, email, workspace);

    private int _disposed;

    /// <summary>Stops the server gracefully (as a test restarting it does); later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
