using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Panoptic.Cli.Commands;

namespace Panoptic.Cli;

/// <summary>The `panoptic` command tree; Program.cs and the tests both start here.</summary>
public static class PanopticCli
{
    public static RootCommand Build(ConsoleStreams streams)
    {
        var root = new RootCommand("Panoptic: every connection, external API and cost of a software backend, from its code and its traffic.");
        root.Subcommands.Add(ScanCommand.Create(streams));
        root.Subcommands.Add(AuditCommand.Create(streams));
        root.Subcommands.Add(PortsCommand.Create(streams));
        root.Subcommands.Add(CheckCommand.Create(streams));
        root.Subcommands.Add(DiffCommand.Create(streams));
        root.Subcommands.Add(ServeCommand.Create(streams));
        root.Subcommands.Add(AdviseCommand.Create(streams));
        // The default version action reads the entry assembly, which is a test host under tests.
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion(streams);
        return root;
    }

    public static string Version =>
        typeof(PanopticCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static Task<int> RunAsync(string[] args, ConsoleStreams streams, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration { Output = streams.Out, Error = streams.Error };
        var parse = Build(streams).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Usage mistakes get their own exit code, distinct from failures while working.
            foreach (var error in parse.Errors) streams.Error.WriteLine($"panoptic: {error.Message}");
            streams.Error.WriteLine("Run 'panoptic --help' for usage.");
            return Task.FromResult(ExitCodes.InvalidInput);
        }
        return parse.InvokeAsync(configuration, cancellationToken);
    }

    private sealed class PrintVersion(ConsoleStreams streams) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            streams.Out.WriteLine(Version);
            return ExitCodes.Success;
        }
    }
}
