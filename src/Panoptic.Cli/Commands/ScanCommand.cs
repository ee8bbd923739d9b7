using System.CommandLine;
using Panoptic.Scanner.Reports;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic scan [PATH]`: the registry of every backend connection and external API, with evidence.</summary>
public sealed class ScanCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var path = CommonOptions.Path();
        var format = new Option<string>("--format", "-f") { Description = "Output format: yaml, json, markdown, html (one self-contained page) or backstage (catalog-info.yaml)", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json", "markdown", "html", "backstage");
        var output = CommonOptions.Out();
        var maxSize = CommonOptions.MaxFileSize();
        var noProgress = CommonOptions.NoProgress();
        var clones = new Option<bool>("--clones") { Description = "Also detect code copied between services (slower on big trees; `panoptic audit` always does)" };
        var push = new Option<string?>("--push") { Description = "Upload the registry to this Panoptic server (e.g. http://127.0.0.1:7317)" };
        var key = new Option<string?>("--key") { Description = $"Ingestion key of the workspace to upload to; default ${KeyVariable}" };
        var evidence = new Option<int?>("--evidence") { Description = "Keep this many pieces of evidence per entry, strongest first (default: all, up to 100; markdown and html show three)" };

        var command = new Command("scan", "Scan a repository: backend connections, external APIs, services, env vars, hard-coded secrets, the architecture audit and the commercial readiness scorecard, each with file:line evidence.")
        {
            path, format, output, maxSize, noProgress, clones, push, key, evidence,
        };
        command.SetAction((parse, cancellationToken) => new ScanCommand(streams).ExecuteAsync(
            new ScanSettings(parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(maxSize), parse.GetValue(noProgress)) { Clones = parse.GetValue(clones), Push = parse.GetValue(push), Key = parse.GetValue(key) ?? Environment.GetEnvironmentVariable(KeyVariable), Evidence = parse.GetValue(evidence) },
            cancellationToken));
        return command;
    }

    public const string KeyVariable = "PANOPTIC_KEY";

    public async Task<int> ExecuteAsync(ScanSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Push is { } target && !(Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            await streams.Error.WriteLineAsync($"panoptic: --push wants the server's http(s) address, e.g. http://127.0.0.1:7317; got '{target}'");
            return ExitCodes.InvalidInput;
        }
        if (settings.Push is not null && string.IsNullOrEmpty(settings.Key))
        {
            await streams.Error.WriteLineAsync($"panoptic: --push needs an ingestion key: --key KEY or ${KeyVariable}");
            return ExitCodes.InvalidInput;
        }
        if (settings.Evidence is < 1)
        {
            await streams.Error.WriteLineAsync("panoptic: --evidence must be a positive number of pieces per entry");
            return ExitCodes.InvalidInput;
        }
        var runner = new ScanRunner(streams);
        var (document, exitCode) = await runner.RunAsync(settings.Path, settings.MaxFileSize, settings.NoProgress, settings.Clones, cancellationToken, readiness: true);
        if (document is null) return exitCode;
        if (settings.Evidence is { } kept) document = KeepEvidence(document, kept);
        var text = settings.Format switch
        {
            "json" => JsonReport.Write(document),
            "markdown" => MarkdownReport.Write(document),
            "backstage" => BackstageReport.Write(document),
            "html" => HtmlReport.Write(document),
            _ => YamlReport.Write(document),
        };
        await runner.WriteAsync(text, settings.OutFile, cancellationToken);
        await streams.Error.WriteLineAsync(Summary.Line(document));
        return settings.Push is { } server ? await PushAsync(new Uri(server), settings.Key!, JsonReport.Write(document), cancellationToken) : ExitCodes.Success;
    }

    /// <summary>The strongest <paramref name="kept"/> pieces of each entry's evidence (the registry orders them, the deciding one first).</summary>
    private static Panoptic.Scanner.Registry.RegistryDocument KeepEvidence(Panoptic.Scanner.Registry.RegistryDocument document, int kept)
    {
        static IReadOnlyList<Panoptic.Scanner.Registry.TechnologyEntry> Trim(IReadOnlyList<Panoptic.Scanner.Registry.TechnologyEntry> entries, int kept) =>
            [.. entries.Select(e => e.Evidence.Count <= kept ? e : e with { Evidence = [.. e.Evidence.Take(kept)] })];
        return document with
        {
            BackendConnections = Trim(document.BackendConnections, kept),
            ExternalApis = Trim(document.ExternalApis, kept),
            DevTooling = Trim(document.DevTooling, kept),
        };
    }

    /// <summary>Uploads the registry; the key never appears in any message.</summary>
    private async Task<int> PushAsync(Uri server, string key, string json, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/registries") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var detail = System.Text.Json.JsonDocument.Parse(body is { Length: > 0 } ? body : "{}").RootElement.TryGetProperty("detail", out var d) ? d.GetString() : body;
                await streams.Error.WriteLineAsync($"panoptic: the server refused the registry ({(int)response.StatusCode}): {detail}");
                return ExitCodes.Failure;
            }
            var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString();
            await streams.Error.WriteLineAsync($"panoptic: pushed registry {id} to {server}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            await streams.Error.WriteLineAsync($"panoptic: could not push to {server}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
