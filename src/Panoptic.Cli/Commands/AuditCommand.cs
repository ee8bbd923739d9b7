using System.CommandLine;
using Panoptic.Scanner.Reports;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic audit [PATH]`: what is inconsistent across a multi-service backend, as a table, SARIF, JSON or Markdown.</summary>
public sealed class AuditCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var path = CommonOptions.Path();
        var format = new Option<string>("--format", "-f") { Description = "Output format: table, sarif, json or markdown", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "sarif", "json", "markdown");
        var failOn = new Option<string>("--fail-on") { Description = "Exit with code 4 when a finding is at least this severe: error, warning, note or none", DefaultValueFactory = _ => "none" };
        failOn.AcceptOnlyFromAmong("error", "warning", "note", "none");
        var output = CommonOptions.Out();
        var maxSize = CommonOptions.MaxFileSize();
        var noProgress = CommonOptions.NoProgress();
        var command = new Command("audit", "Audit a multi-service repository: ports, dependency drift, health, logging, tracing, config, security settings, routes, tests and copied code.")
        {
            path, format, failOn, output, maxSize, noProgress,
        };
        command.SetAction((parse, cancellationToken) => new AuditCommand(streams).ExecuteAsync(
            new AuditSettings(parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(maxSize), parse.GetValue(noProgress), parse.GetValue(failOn)!),
            cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(AuditSettings settings, CancellationToken cancellationToken)
    {
        var runner = new ScanRunner(streams);
        var (document, exitCode) = await runner.RunAsync(settings.Path, settings.MaxFileSize, settings.NoProgress, detectClones: true, cancellationToken);
        if (document?.Audit is not { } audit) return exitCode;
        var text = settings.Format switch
        {
            "sarif" => SarifReport.Write(document, PanopticCli.Version),
            "json" => JsonReport.Write(document),
            "markdown" => AuditTableReport.Write(document, markdown: true),
            _ => AuditTableReport.Write(document, markdown: false),
        };
        await runner.WriteAsync(text, settings.OutFile, cancellationToken);
        var errors = audit.Findings.Count(f => f.Severity == "error");
        var warnings = audit.Findings.Count(f => f.Severity == "warning");
        await streams.Error.WriteLineAsync($"{audit.Services.Count} services audited: {errors} errors, {warnings} warnings, {audit.Findings.Count - errors - warnings} notes; {document.Project.DurationMs / 1000.0:0.0} s");
        var threshold = settings.FailOn switch { "error" => 0, "warning" => 1, "note" => 2, _ => -1 };
        var failing = audit.Findings.Any(f => (f.Severity switch { "error" => 0, "warning" => 1, _ => 2 }) <= threshold);
        return failing ? ExitCodes.FindingsAtThreshold : ExitCodes.Success;
    }
}
