using System.CommandLine;
using System.Globalization;
using System.Text;
using Panoptic.Live;
using Panoptic.Scanner.Readiness;
using Panoptic.Scanner.Reports;

namespace Panoptic.Cli.Commands;

/// <summary>`panoptic check [PATH]`: commercial readiness — the verdict, the score, and every check with its evidence; a CI gate.</summary>
public sealed class CheckCommand(ConsoleStreams streams)
{
    public static Command Create(ConsoleStreams streams)
    {
        var path = CommonOptions.Path();
        var format = new Option<string>("--format", "-f") { Description = "Output format: table, json, sarif (code scanning), markdown (pull requests) or html (one self-contained page)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "sarif", "markdown", "html");
        var failOn = new Option<string>("--fail-on") { Description = "Exit with code 4 on a failed blocking check (blocking), any failed check (any), or never (none)", DefaultValueFactory = _ => "blocking" };
        failOn.AcceptOnlyFromAmong("blocking", "any", "none");
        var minScore = new Option<double>("--min-score") { Description = "Exit with code 4 when the score is below this (0-100)", DefaultValueFactory = _ => 0 };
        var output = CommonOptions.Out();
        var noProgress = CommonOptions.NoProgress();
        var live = new LiveSettings.Options();
        var command = new Command("check", "Commercial readiness: what is missing before this backend can be sold, each check answered from evidence, blocking items first.")
        {
            path, format, failOn, minScore, output, noProgress,
        };
        foreach (var option in live.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => new CheckCommand(streams).ExecuteAsync(
            parse.GetValue(path)!, parse.GetValue(format)!, parse.GetValue(failOn)!, parse.GetValue(minScore), parse.GetValue(output), parse.GetValue(noProgress), cancellationToken,
            live.Read(parse)));
        return command;
    }

    public async Task<int> ExecuteAsync(string path, string format, string failOn, double minScore, string? outFile, bool noProgress, CancellationToken cancellationToken,
        LiveSettings? live = null)
    {
        if (minScore is < 0 or > 100)
        {
            await streams.Error.WriteLineAsync("panoptic: --min-score must be between 0 and 100");
            return ExitCodes.InvalidInput;
        }
        string? liveError = null;
        var liveRun = live is { Enabled: true } ? live.Validate(out liveError) : null;
        if (live is { Enabled: false, Registry: true }) liveError = "--live-registry needs --live";
        if (liveError is not null)
        {
            await streams.Error.WriteLineAsync($"panoptic: {liveError}");
            return ExitCodes.InvalidInput;
        }
        var runner = new ScanRunner(streams);
        var (document, exitCode) = await runner.RunAsync(path, 1024 * 1024, noProgress, detectClones: false, cancellationToken, readiness: true);
        if (document?.CommercialReadiness is not { } readiness) return exitCode;
        if (liveRun is { } run)
        {
            var (targets, options) = live!.WithRegistry(run.Targets, run.Options, document);
            // panoptic.yaml's readiness.live names more health routes and status pages (it was read, and validated, by the scan).
            var config = Panoptic.Scanner.Config.ProjectConfig.Load(path, Panoptic.Scanner.Catalog.TechnologyCatalog.LoadEmbedded()).Readiness;
            options = options with
            {
                HealthPaths = [.. options.HealthPaths.Concat(config.LiveHealth).Distinct(StringComparer.Ordinal)],
                StatusPages = [.. options.StatusPages.Concat(config.LiveStatusPages.Select(p => new Uri(p))).Distinct()],
            };
            using var checker = new LiveChecker(options);
            IReadOnlyList<LiveResult> results;
            try
            {
                results = await checker.RunAsync(targets, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await streams.Error.WriteLineAsync("panoptic: cancelled");
                return ExitCodes.Cancelled;
            }
            readiness = LiveReadiness.Apply(readiness, results);
            document = document with { CommercialReadiness = readiness };
            await streams.Error.WriteLineAsync(LiveSettings.Describe(results));
        }
        var text = format switch
        {
            "json" => JsonReport.Write(document),
            "sarif" => ReadinessSarifReport.Write(document, PanopticCli.Version, FrontFile(path)),
            "markdown" => Markdown(readiness) + LiveReport.Markdown(readiness),
            "html" => HtmlReport.Write(document),
            _ => Table(readiness) + LiveReport.Table(readiness),
        };
        await runner.WriteAsync(text, outFile, cancellationToken);
        await streams.Error.WriteLineAsync($"{Verdicts.Title(readiness.Verdict)}: score {readiness.Score.ToString("0.#", CultureInfo.InvariantCulture)}, coverage {readiness.Coverage.ToString("0.#", CultureInfo.InvariantCulture)} %, {readiness.Blocking.Count} blocking items");
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
        sb.AppendLine(CultureInfo.InvariantCulture, $"{Verdicts.Title(readiness.Verdict)} — score {readiness.Score:0.#} / 100, coverage {readiness.Coverage:0.#} % ({readiness.Profile} profile)");
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

    private static readonly string[] FrontFiles = ["README.md", "readme.md", "README", "package.json", "pyproject.toml", "go.mod", "pom.xml", "Cargo.toml", "Gemfile", "composer.json", "requirements.txt"];

    /// <summary>Where SARIF places a gap that has no line of its own: the first of the usual front files the repository has.</summary>
    private static string FrontFile(string root) => FrontFiles.FirstOrDefault(name => File.Exists(Path.Combine(root, name))) ?? "README.md";

    /// <summary>For a pull-request comment or a wiki page: verdict, category scores, then what fails, blocking first.</summary>
    private static string Markdown(ReadinessSection readiness)
    {
        static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## {Verdicts.Title(readiness.Verdict)}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Score **{readiness.Score:0.#}** / 100, coverage {readiness.Coverage:0.#} % ({readiness.Profile} profile), {readiness.Blocking.Count} blocking items.");
        sb.AppendLine();
        sb.AppendLine("| category | score | pass | partial | fail | confirm |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in readiness.Categories)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(c.Title)} | {(c.Score is { } s ? s.ToString("0.#", CultureInfo.InvariantCulture) : "—")} | {c.Pass} | {c.Partial} | {c.Fail} | {c.Manual} |");
        var open = readiness.Checks.Where(c => c.Waived is null && c.Status is "fail" or "partial").OrderByDescending(c => c.Blocking).ThenBy(c => c.Status == "partial").ToList();
        if (open.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("### What is missing");
            sb.AppendLine();
            foreach (var c in open)
            {
                var where = c.Evidence.Count > 0 ? $" (`{Cell(c.Evidence[0].File)}:{c.Evidence[0].Line}`)" : "";
                sb.AppendLine(CultureInfo.InvariantCulture, $"- {(c.Blocking ? "**blocking** " : "")}{c.Status} `{c.Id}`: {Cell(c.Title)}{where}");
            }
        }
        var confirm = readiness.Checks.Count(c => c.Status == "needs_manual_confirmation");
        if (confirm > 0) sb.AppendLine(CultureInfo.InvariantCulture, $"\n{confirm} checks cannot be answered from code and need a person to confirm them (`panoptic check` lists them).");
        return sb.ToString();
    }
}
