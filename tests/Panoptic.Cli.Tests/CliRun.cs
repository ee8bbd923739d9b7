namespace Panoptic.Cli.Tests;

/// <summary>Runs the real command tree with captured stdout and stderr.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static async Task<CliRun> Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PanopticCli.RunAsync(args, new ConsoleStreams(stdout, stderr, ErrorIsTerminal: false));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
