using System.CommandLine;
using System.Globalization;
using System.Text;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Reports;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic check [PATH]`: commercial readiness — the verdict, the score, and every check with its evidence; a CI gate.</summary>
public sealed class CheckCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var path = CommonOptions.Path();
        var format = new Option<string>("--format", "-f") { Description = "Output format: table or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var failOn = new Option<string>("--fail-on") { Description = "Exit with code 4 on a failed blocking check (blocking), any failed check (any), or never (none)", DefaultValueFactory = _ => "blocking" };
        failOn.AcceptOnlyFromAmong("blocking", "any", "none");
        var minScore = new Option<double>("--min-score") { Description = "Exit with code 4 when the score is below this (0-100)", DefaultValueFactory = _ => 0 };
        var output = CommonOptions.Out();
        var noProgress = CommonOptions.NoProgress();
        var command = new Command("check", "Commercial readiness: what is missing before this backend can be sold, each check answered from evidence, blocking items first.")
        {
            path, format, failOn, minScore, output, noProgress,
        };
        command.SetAction((parse, cancellationToken) => new CheckCommand(streams).ExecuteAsync(
            parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(failOn)!, parse.GetValue(minScore), parse.GetValue(output), parse.GetValue(noProgress), cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(string path, string format, string failOn, double minScore, string? outFile, bool noProgress, CancellationToken cancellationToken)
    {
        if (minScore is < 0 or > 100)
        {
            await streams.Error.WriteLineAsync("panoptic: --min-score must be between 0 and 100");
            return ExitCodes.InvalidInput;
        }
        var runner = new ScanRunner(streams);
        var (document, exitCode) = await runner.RunAsync(path, 1024 * 1024, noProgress, detectClones: false, cancellationToken, readiness: true);
        if (document?.CommercialReadiness is not { } readiness) return exitCode;
        await runner.WriteAsync(format == "json" ? JsonReport.Write(document) : Table(readiness), outFile, cancellationToken);
        await streams.Error.WriteLineAsync($"{Verdict(readiness.Verdict)}: score {readiness.Score.ToString("0.#", CultureInfo.InvariantCulture)}, coverage {readiness.Coverage.ToString("0.#", CultureInfo.InvariantCulture)} %, {readiness.Blocking.Count} blocking items");
        var failed = failOn switch
        {
            "blocking" => readiness.Checks.Any(c => c.Blocking && c.Status == "fail" && c.Waived is null),
            "any" => readiness.Checks.Any(c => c.Status == "fail" && c.Waived is null),
            _ => false,
        };
        return failed || readiness.Score < minScore ? ExitCodes.FindingsAtThreshold : ExitCodes.Success;
    }

    private static string Table(ReadinessSection readiness)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Verdict(readiness.Verdict)} — score {readiness.Score:0.#} / 100, coverage {readiness.Coverage:0.#} % ({readiness.Profile} profile)");
        sb.AppendLine();
        foreach (var category in readiness.Categories)
        {
            var score = category.Score is { } s ? s.ToString("0.#", CultureInfo.InvariantCulture) : "—";
            sb.AppendLine(CultureInfo.InvariantCulture, $"{category.Title,-30} {score,6}   pass {category.Pass}  partial {category.Partial}  fail {category.Fail}  confirm {category.Manual}  n/a {category.NotApplicable}");
        }
        sb.AppendLine();
        foreach (var check in readiness.Checks.Where(c => c.Status != "not_applicable"))
        {
            var mark = check.Status switch { "pass" => "ok     ", "partial" => "partial", "fail" => "FAIL   ", _ => "confirm" };
            var where = check.Evidence.Count > 0 ? $"  [{check.Evidence[0].File}:{check.Evidence[0].Line}]" : "";
            var how = check.SatisfiedBy == "delegated" ? " (delegated)" : check.Waived is not null ? $" (waived: {check.Waived})" : "";
            sb.AppendLine(CultureInfo.InvariantCulture, $"{mark} {(check.Blocking ? "blocking " : "         ")}{check.Id}  {check.Title}{how}{where}");
        }
        return sb.ToString();
    }

    private static string Verdict(string verdict) => verdict switch
    {
        "not_ready_to_sell" => "Not ready to sell",
        "ready_pending_confirmation" => "Ready pending confirmation",
        _ => "Ready to sell",
    };
}
