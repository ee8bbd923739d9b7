namespace Panoptic.Cli;

/// <summary>Where the CLI writes: stdout carries the document, stderr progress and messages. Tests pass string writers.</summary>
public sealed record ConsoleStreams(TextWriter Out, TextWriter Error, bool ErrorIsTerminal)
{
    public static ConsoleStreams System => new(Console.Out, Console.Error,
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null or "" or "false" && Environment.GetEnvironmentVariable("TERM") != "dumb");
}
