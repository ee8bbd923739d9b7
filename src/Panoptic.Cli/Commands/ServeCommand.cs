using System.CommandLine;
using Microsoft.Extensions.Options;
using Panoptic.Server;
using Panoptic.Storage;

namespace Panoptic.Cli.Commands;

/// <summary>
/// `panoptic serve`: the server. With no arguments, SQLite under the user's data folder on 127.0.0.1:7317; --db or
/// PANOPTIC_DB selects PostgreSQL. Runs until Ctrl+C or SIGTERM, then finishes the requests in flight.
/// </summary>
public sealed class ServeCommand(ConsoleStreams streams)
{
    public const string DatabaseVariable = "PANOPTIC_DB";

    public static Command Create(ConsoleStreams streams)
    {
        var data = new Option<string>("--data") { Description = "Folder for the embedded SQLite database", DefaultValueFactory = _ => ServerOptions.DefaultDataDirectory() };
        var db = new Option<string?>("--db") { Description = $"PostgreSQL URL (postgres://user:password@host:5432/db); default ${DatabaseVariable}, else SQLite in --data" };
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, separated by ';'", DefaultValueFactory = _ => PanopticServer.DefaultUrl };
        var logFormat = new Option<string>("--log-format") { Description = "Log lines as text or as JSON objects (one per line)", DefaultValueFactory = _ => "text" };
        logFormat.AcceptOnlyFromAmong("text", "json");
        var trustProxy = new Option<string?>("--trust-proxy")
        {
            Description = "Addresses or networks of the reverse proxies in front, comma-separated (127.0.0.1,10.0.0.0/8): their X-Forwarded-For and X-Forwarded-Proto are believed",
        };
        var command = new Command("serve", "Run the Panoptic server: the dashboard, cost and trace ingestion, budgets and alerts, health probes, the LLM gateway.") { data, db, urls, logFormat, trustProxy };
        command.SetAction((parse, cancellationToken) => new ServeCommand(streams).ExecuteAsync(
            parse.GetValue(data)!, parse.GetValue(db) ?? Environment.GetEnvironmentVariable(DatabaseVariable), parse.GetValue(urls)!, parse.GetValue(logFormat) == "json", cancellationToken,
            parse.GetValue(trustProxy)));
        return command;
    }

    /// <summary>What a new user does next, with this server's own address (docs/server.md walks through it).</summary>
    internal static string FirstRun(string url) => $$"""
        panoptic: no account yet. Open {{url}}/signup in a browser to create the first one, then a workspace and an
        ingestion key on the dashboard — or do the same with curl:
          curl -X POST {{url}}/api/v1/auth/signup -H 'Content-Type: application/json' -d '{"email":"you@example.com","password":"at least 12 characters"}'
          curl -X POST {{url}}/api/v1/auth/login  -H 'Content-Type: application/json' -d '{"email":"you@example.com","password":"at least 12 characters"}'
          curl -X POST {{url}}/api/v1/workspaces -H 'Authorization: Bearer <token from login>' -H 'Content-Type: application/json' -d '{"name":"My product"}'
          curl -X POST {{url}}/api/v1/keys -H 'Authorization: Bearer <token from login>' -H 'Content-Type: application/json' -d '{"name":"backend"}'
        """;

    public async Task<int> ExecuteAsync(string dataDirectory, string? database, string urls, bool jsonLogs, CancellationToken cancellationToken, string? trustProxy = null)
    {
        try
        {
            var builder = PanopticServer.CreateBuilder(["--urls", urls], jsonLogs);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{ServerOptions.Section}:{nameof(ServerOptions.DataDirectory)}"] = dataDirectory,
                [$"{ServerOptions.Section}:{nameof(ServerOptions.Database)}"] = database,
            });
            // Given on the command line it wins; otherwise Panoptic:TrustProxy (PANOPTIC__TRUSTPROXY) from the configuration.
            if (trustProxy is not null) builder.Configuration[$"{ServerOptions.Section}:{nameof(ServerOptions.TrustProxy)}"] = trustProxy;
            await using var app = PanopticServer.Build(builder);
            await app.StartAsync(cancellationToken);
            await streams.Error.WriteLineAsync($"panoptic: serving on {string.Join(", ", app.Urls)} — the dashboard is at {app.Urls.First()}/ (Ctrl+C to stop)");
            if (!await app.Services.GetRequiredService<PanopticStore>().AnyUserAsync(cancellationToken)) await streams.Error.WriteLineAsync(FirstRun(app.Urls.First()));
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) await streams.Error.WriteLineAsync($"panoptic: invalid setting: {failure}");
            return ExitCodes.InvalidInput;
        }
        catch (ArgumentException e) when (e.Message.Contains("PostgreSQL", StringComparison.Ordinal))
        {
            await streams.Error.WriteLineAsync($"panoptic: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or System.Net.Sockets.SocketException)
        {
            // Boundary of the command: a database that cannot be reached, a port already taken.
            await streams.Error.WriteLineAsync($"panoptic: cannot start the server: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
