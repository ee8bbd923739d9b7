using System.CommandLine;
using Panoptic.Cli.Commands;

namespace Panoptic.Cli;

/// <summary>The `panoptic` command tree; Program.cs and the tests both start here.</summary>
public static class PanopticCli
{
    public static RootCommand Build(ConsoleStreams streams)
    {
        var root = new RootCommand("Panoptic: every connection, external API and cost of a software backend, from its code and its traffic.");
        root.Subcommands.Add(ScanCommand.Create(streams));
        return root;
    }

    public static Task<int> RunAsync(string[] args, ConsoleStreams streams, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration { Output = streams.Out, Error = streams.Error };
        return Build(streams).Parse(args).InvokeAsync(configuration, cancellationToken);
    }
}
