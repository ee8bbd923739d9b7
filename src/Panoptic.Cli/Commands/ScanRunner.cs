using Panoptic.Scanner;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Registry;
using Spectre.Console;

namespace Panoptic.Cli.Commands;

/// <summary>Runs a scan for any command: checks the path, draws progress on a terminal, and turns failures into exit codes.</summary>
public sealed class ScanRunner(ConsoleStreams streams)
{
    /// <summary>The registry, or null with the exit code to return when the scan could not run.</summary>
    public async Task<(RegistryDocument? Registry, int ExitCode)> RunAsync(string path, long maxFileSize, bool noProgress, bool detectClones, CancellationToken cancellationToken, bool readiness = false)
    {
        if (!Directory.Exists(path))
        {
            await streams.Error.WriteLineAsync($"panoptic: no such folder: {path}");
            return (null, ExitCodes.PathNotFound);
        }
        if (maxFileSize <= 0)
        {
            await streams.Error.WriteLineAsync("panoptic: --max-file-size must be a positive number of bytes");
            return (null, ExitCodes.InvalidInput);
        }
        try
        {
            var scanner = new RepositoryScanner(TechnologyCatalog.LoadEmbedded());
            var options = new ScanOptions(path) { MaxFileSize = maxFileSize, DetectClones = detectClones, EvaluateReadiness = readiness };
            return (await ScanWithProgressAsync(scanner, options, noProgress, cancellationToken), ExitCodes.Success);
        }
        catch (CatalogException e)
        {
            await streams.Error.WriteLineAsync($"panoptic: invalid configuration: {e.Message}");
            return (null, ExitCodes.InvalidInput);
        }
        catch (OperationCanceledException)
        {
            await streams.Error.WriteLineAsync("panoptic: cancelled");
            return (null, ExitCodes.Cancelled);
        }
    }

    /// <summary>Writes a document to a file (through a temp file and a move, so a failed run never leaves half of it) or to stdout.</summary>
    public async Task WriteAsync(string text, string? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            await streams.Out.WriteAsync(text);
            await streams.Out.FlushAsync(cancellationToken);
            return;
        }
        var temp = file + ".tmp";
        await File.WriteAllTextAsync(temp, text, cancellationToken);
        File.Move(temp, file, overwrite: true);
    }

    private async Task<RegistryDocument> ScanWithProgressAsync(RepositoryScanner scanner, ScanOptions options, bool noProgress, CancellationToken cancellationToken)
    {
        if (!streams.ErrorIsTerminal || noProgress) return await Task.Run(() => scanner.Scan(options, cancellationToken), cancellationToken);

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
