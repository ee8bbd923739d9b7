using System.CommandLine;

namespace Panoptic.Cli.Commands;

/// <summary>Arguments and options several commands share, spelled the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string> Path() =>
        new("path") { Description = "Repository folder to scan", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "." };

    public static Option<string?> Out() => new("--out", "-o") { Description = "Write the document to this file instead of stdout" };

    public static Option<long> MaxFileSize() => new("--max-file-size") { Description = "Skip files larger than this many bytes", DefaultValueFactory = _ => 1024 * 1024 };

    public static Option<bool> NoProgress() => new("--no-progress") { Description = "Never draw a progress bar" };
}
