using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Panoptic.Cli.Commands;

/// <summary>
/// `panoptic advise --url URL --key KEY`: the savings advisor of a running server (GET /api/v1/recommendations), as a
/// table or its JSON, for a weekly CI report; exits 5 when the potential savings exceed --fail-over. The key is sent
/// to the server and nowhere else: no message quotes it.
/// </summary>
public sealed class AdviseCommand(ConsoleStreams streams)
{
    // Not PANOPTIC_KEY: `scan --push` reads an ingestion key from that, and the advisor needs a user's session token.
    public const string KeyVariable = "PANOPTIC_TOKEN";

    public sealed record Settings(string Url, string? Key, string Format, decimal? FailOver, int? Days, string? Workspace);

    public static Command Create(ConsoleStreams streams)
    {
        var url = new Option<string>("--url") { Description = "The Panoptic server, such as https://panoptic.example.com", Required = true };
        var key = new Option<string?>("--key") { Description = $"A session token of a user of the workspace (or set {KeyVariable})" };
        var format = new Option<string>("--format", "-f") { Description = "Output format: table or json (the server's answer)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var failOver = new Option<decimal?>("--fail-over") { Description = "Exit with code 5 when the potential savings exceed this many US dollars" };
        var days = new Option<int?>("--days") { Description = "The window: this many whole UTC days before today (1-90; the server's default is 30)" };
        var workspace = new Option<string?>("--workspace") { Description = "The workspace id, for a user of several" };
        var command = new Command("advise", "The savings advisor of a Panoptic server: right-sizing, prompt caching, duplicates, batch candidates, idle APIs, budget risk.")
        {
            url, key, format, failOver, days, workspace,
        };
        command.SetAction((parse, cancellationToken) => new AdviseCommand(streams).ExecuteAsync(new Settings(parse.GetValue(url)!,
            parse.GetValue(key) ?? Environment.GetEnvironmentVariable(KeyVariable), parse.GetValue(format)!, parse.GetValue(failOver), parse.GetValue(days),
            parse.GetValue(workspace)), cancellationToken));
        return command;
    }

    public async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https") || server.UserInfo.Length > 0)
            return await InvalidAsync("--url must be an http:// or https:// address without credentials in it");
        if (string.IsNullOrWhiteSpace(settings.Key)) return await InvalidAsync($"--key (or {KeyVariable}) is required: a session token of a user of the workspace");
        if (settings.FailOver is < 0) return await InvalidAsync("--fail-over must be 0 or more US dollars");
        if (settings.Days is < 1 or > 90) return await InvalidAsync("--days must be between 1 and 90");

        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Key.Trim());
        if (settings.Workspace is { Length: > 0 } w) http.DefaultRequestHeaders.Add("Panoptic-Workspace", w);
        var path = "api/v1/recommendations" + (settings.Days is { } d ? $"?days={d.ToString(CultureInfo.InvariantCulture)}" : "");
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Neither message carries request headers, so the key cannot leak through them.
            await streams.Error.WriteLineAsync($"panoptic: cannot read {Origin(server)}: {e.Message}");
            return ExitCodes.ServerUnreadable;
        }
        if (status != HttpStatusCode.OK)
        {
            var why = status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? "it refused the key" : Detail(body) ?? "no details";
            await streams.Error.WriteLineAsync($"panoptic: {Origin(server)} answered {(int)status}: {why}");
            return ExitCodes.ServerUnreadable;
        }
        JsonElement report;
        try
        {
            report = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            await streams.Error.WriteLineAsync($"panoptic: {Origin(server)} did not answer with the advisor's JSON: is it a Panoptic server?");
            return ExitCodes.ServerUnreadable;
        }
        if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty("savings_usd", out var total) || total.ValueKind != JsonValueKind.Number)
        {
            await streams.Error.WriteLineAsync($"panoptic: {Origin(server)} did not answer with the advisor's JSON: is it a Panoptic server?");
            return ExitCodes.ServerUnreadable;
        }
        await streams.Out.WriteAsync(settings.Format == "json" ? body.TrimEnd() + "\n" : AdviceTable.Write(report));
        var savings = total.GetDecimal();
        await streams.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{report.GetProperty("recommendations").GetArrayLength()} recommendations, ${savings:N2} of potential savings over {report.GetProperty("window_days").GetInt32()} days"));
        if (settings.FailOver is { } limit && savings > limit)
        {
            await streams.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"panoptic: potential savings ${savings:N2} exceed --fail-over ${limit:N2}"));
            return ExitCodes.SavingsOverThreshold;
        }
        return ExitCodes.Success;
    }

    private async Task<int> InvalidAsync(string message)
    {
        await streams.Error.WriteLineAsync($"panoptic: {message}");
        return ExitCodes.InvalidInput;
    }

    private static string Origin(Uri server) => server.GetLeftPart(UriPartial.Authority);

    private static string? Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
