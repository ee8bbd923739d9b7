using System.CommandLine;
using Panoptic.Scanner;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using Panoptic.Scanner.Reports;
using Spectre.Console;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic scan [PATH]`: the registry of every backend connection and external API, with evidence.</summary>
public sealed class ScanCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var path = new Argument<string>("path") { Description = "Repository folder to scan", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: yaml, json or markdown", DefaultValueFactory = _ => "yaml" };
        format.AcceptOnlyFromAmong("yaml", "json", "markdown");
        var output = new Option<string?>("--out", "-o") { Description = "Write the registry to this file instead of stdout" };
        var maxSize = new Option<long>("--max-file-size") { Description = "Skip files larger than this many bytes", DefaultValueFactory = _ => 1024 * 1024 };
        var noProgress = new Option<bool>("--no-progress") { Description = "Never draw a progress bar" };

        var command = new Command("scan", "Scan a repository: backend connections, external APIs, services, env vars and hard-coded secrets, each with file:line evidence.")
        {
            path, format, output, maxSize, noProgress,
        };
        command.SetAction((parse, cancellationToken) => new ScanCommand(streams).ExecuteAsync(
            new ScanSettings(parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(maxSize), parse.GetValue(noProgress)),
            cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(ScanSettings settings, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(settings.Path))
        {
            await streams.Error.WriteLineAsync($"panoptic: no such folder: {settings.Path}");
            return ExitCodes.PathNotFound;
        }
        if (settings.MaxFileSize <= 0)
        {
            await streams.Error.WriteLineAsync("panoptic: --max-file-size must be a positive number of bytes");
            return ExitCodes.InvalidInput;
        }

        RegistryDocument document;
        try
        {
            var scanner = new RepositoryScanner(TechnologyCatalog.LoadEmbedded());
            document = await ScanWithProgressAsync(scanner, settings, cancellationToken);
        }
        catch (CatalogException e)
        {
            await streams.Error.WriteLineAsync($"panoptic: invalid configuration: {e.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException)
        {
            await streams.Error.WriteLineAsync("panoptic: cancelled");
            return ExitCodes.Cancelled;
        }

        var text = settings.Format switch
        {
            "json" => JsonReport.Write(document),
            "markdown" => MarkdownReport.Write(document),
            _ => YamlReport.Write(document),
        };
        if (settings.OutFile is { } file)
        {
            // Write beside the target and move, so a failed run never leaves half a registry behind.
            var temp = file + ".tmp";
            await File.WriteAllTextAsync(temp, text, cancellationToken);
            File.Move(temp, file, overwrite: true);
        }
        else
        {
            await streams.Out.WriteAsync(text);
            await streams.Out.FlushAsync(cancellationToken);
        }
        await streams.Error.WriteLineAsync(Summary.Line(document));
        return ExitCodes.Success;
    }

    private async Task<RegistryDocument> ScanWithProgressAsync(RepositoryScanner scanner, ScanSettings settings, CancellationToken cancellationToken)
    {
        var options = new ScanOptions(settings.Path) { MaxFileSize = settings.MaxFileSize };
        if (!streams.ErrorIsTerminal || settings.NoProgress) return await Task.Run(() => scanner.Scan(options, cancellationToken), cancellationToken);

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(streams.Error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("scanning", maxValue: 1);
                var withProgress = options with
                {
                    Progress = (done, total) =>
                    {
                        task.MaxValue = Math.Max(total, 1);
                        task.Value = done;
                    },
                };
                var result = await Task.Run(() => scanner.Scan(withProgress, cancellationToken), cancellationToken);
                task.Value = task.MaxValue;
                return result;
            });
    }
}
