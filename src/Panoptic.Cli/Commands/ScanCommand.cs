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

        var command = new Command("scan", "Scan a repository: backend connections, external APIs, services, env vars, hard-coded secrets, the architecture audit and the commercial readiness scorecard, each with file:line evidence.")
        {
            path, format, output, maxSize, noProgress, clones,
        };
        command.SetAction((parse, cancellationToken) => new ScanCommand(streams).ExecuteAsync(
            new ScanSettings(parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(maxSize), parse.GetValue(noProgress)) { Clones = parse.GetValue(clones) },
            cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(ScanSettings settings, CancellationToken cancellationToken)
    {
        var runner = new ScanRunner(streams);
        var (document, exitCode) = await runner.RunAsync(settings.Path, settings.MaxFileSize, settings.NoProgress, settings.Clones, cancellationToken, readiness: true);
        if (document is null) return exitCode;
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
        return ExitCodes.Success;
    }
}
