using System.CommandLine;
using System.Globalization;
using System.Text;
using Panoptic.Scanner.Audit;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic ports [PATH] [--write FILE]`: every service's ports, conflicts marked, and a conflict-free assignment.</summary>
public sealed class PortsCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var path = CommonOptions.Path();
        var write = new Option<string?>("--write") { Description = "Write the proposed port assignment as YAML to this file (ports.yaml)" };
        var noProgress = CommonOptions.NoProgress();
        var command = new Command("ports", "The port registry: each service's declared ports, conflicts, and a conflict-free assignment to adopt.") { path, write, noProgress };
        command.SetAction((parse, cancellationToken) => new PortsCommand(streams).ExecuteAsync(parse.GetValue(path)!, parse.GetValue(write), parse.GetValue(noProgress), cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(string path, string? write, bool noProgress, CancellationToken cancellationToken)
    {
        var runner = new ScanRunner(streams);
        var (document, exitCode) = await runner.RunAsync(path, 1024 * 1024, noProgress, detectClones: false, cancellationToken);
        if (document?.Audit is not { } audit) return exitCode;
        var plan = PortPlanner.Plan(audit);
        var table = new StringBuilder();
        table.AppendLine("service                         declared ports                          proposed");
        foreach (var row in plan.Services)
        {
            var declared = row.Declared.Count == 0 ? "—" : string.Join(", ", row.Declared.Select(p => $"{p.Port} ({p.Source})"));
            var proposed = row.Proposed?.ToString(CultureInfo.InvariantCulture) ?? "—";
            table.AppendLine(CultureInfo.InvariantCulture, $"{row.Service,-31} {declared,-39} {proposed}{(row.Conflicting ? "  conflict" : "")}");
        }
        await streams.Out.WriteAsync(table.ToString());
        if (write is not null)
        {
            await runner.WriteAsync(PortPlanner.ToYaml(plan), write, cancellationToken);
            await streams.Error.WriteLineAsync($"wrote {write}");
        }
        await streams.Error.WriteLineAsync($"{plan.Services.Count} services, {plan.Services.Count(r => r.Conflicting)} in conflict");
        return ExitCodes.Success;
    }
}
