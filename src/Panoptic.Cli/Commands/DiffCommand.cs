using System.CommandLine;
using Panoptic.Scanner.Reports;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic diff OLD NEW`: what changed between two JSON registries, as a table, pull-request Markdown or JSON.</summary>
public sealed class DiffCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var old = new Argument<string>("old") { Description = "The earlier registry (panoptic scan --format json --out FILE)" };
        var @new = new Argument<string>("new") { Description = "The later registry" };
        var format = new Option<string>("--format", "-f") { Description = "Output format: table, markdown or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "markdown", "json");
        var output = CommonOptions.Out();
        var command = new Command("diff", "What changed between two registries: connections and external APIs added or removed, readiness checks that changed status, the score delta, audit findings added or fixed.")
        {
            old, @new, format, output,
        };
        command.SetAction((parse, cancellationToken) => new DiffCommand(streams).ExecuteAsync(parse.GetValue(old)!, parse.GetValue(@new)!, parse.GetValue(format)!, parse.GetValue(output), cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(string oldPath, string newPath, string format, string? outFile, CancellationToken cancellationToken)
    {
        RegistryDiff diff;
        try
        {
            diff = RegistryDiff.Compare(RegistryDiff.Load(oldPath), RegistryDiff.Load(newPath));
        }
        catch (RegistryDiffException e)
        {
            await streams.Error.WriteLineAsync($"panoptic: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        var text = format switch
        {
            "markdown" => diff.ToMarkdown(),
            "json" => diff.ToJson() + "\n",
            _ => diff.ToTable(),
        };
        await new ScanRunner(streams).WriteAsync(text, outFile, cancellationToken);
        return ExitCodes.Success;
    }
}
