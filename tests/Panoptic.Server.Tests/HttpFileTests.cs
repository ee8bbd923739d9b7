using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests;

/// <summary>
/// Runs docs/panoptic.http, request by request, against a real server: the file a user opens in their editor stays
/// correct. Understands the subset it uses: ### separators, "# @name", "@variable = value" with
/// {{name.response.body.field}} references.
/// </summary>
public sealed partial class HttpFileTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-http-" + Guid.NewGuid().ToString("N"));
    private RunningServer? _server;

    public async Task InitializeAsync() => _server = await RunningServer.StartAsync(null, _data);

    public async Task DisposeAsync()
    {
        await _server!.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task EveryRequestInTheHttpFile_Succeeds()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "docs", "panoptic.http"));
        var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["base"] = _server!.Address.ToString().TrimEnd('/') };
        var responses = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        using var http = new HttpClient();
        // The member request needs an account to add.
        await _server.OnboardAsync("colleague@example.com", "Theirs");
        var ran = 0;
        foreach (var block in text.Split("###").Skip(1))
        {
            var lines = block.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var title = lines[0].Trim();
            var name = lines.Select(l => NameLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            var requestLine = lines.FindIndex(l => RequestLine().IsMatch(l));
            requestLine.ShouldBeGreaterThan(0, title);
            var end = lines.FindIndex(requestLine, l => l.StartsWith('@'));
            var request = lines[requestLine..(end < 0 ? lines.Count : end)];
            var blank = request.FindIndex(l => l.Trim().Length == 0);
            var headers = request[1..(blank < 0 ? request.Count : blank)];
            var body = blank < 0 ? "" : string.Join('\n', request[(blank + 1)..]).Trim();
            var parts = Expand(request[0], variables, responses).Split(' ', 2);
            using var message = new HttpRequestMessage(new HttpMethod(parts[0]), parts[1].Trim());
            string? contentType = null;
            foreach (var header in headers.Select(h => Expand(h, variables, responses)).Where(h => h.Contains(':', StringComparison.Ordinal)))
            {
                var (key, value) = (header[..header.IndexOf(':', StringComparison.Ordinal)], header[(header.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                if (key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) contentType = value;
                else message.Headers.TryAddWithoutValidation(key, value);
            }
            if (body.Length > 0) message.Content = new StringContent(Expand(body, variables, responses), Encoding.UTF8, contentType ?? "application/json");
            using var response = await http.SendAsync(message);
            var content = await response.Content.ReadAsStringAsync();
            response.IsSuccessStatusCode.ShouldBeTrue($"{title}: {(int)response.StatusCode} {content}");
            if (name is not null) responses[name] = JsonDocument.Parse(content).RootElement.Clone();
            foreach (var assignment in lines.Select(l => Assignment().Match(l)).Where(m => m.Success))
                variables[assignment.Groups[1].Value] = Expand(assignment.Groups[2].Value.Trim(), variables, responses);
            ran++;
        }
        ran.ShouldBeGreaterThanOrEqualTo(16);
    }

    private static string Expand(string text, Dictionary<string, string> variables, Dictionary<string, JsonElement> responses) =>
        Reference().Replace(text, m =>
        {
            var path = m.Groups[1].Value.Split('.');
            if (path.Length == 1) return variables.TryGetValue(path[0], out var value) ? value : throw new InvalidOperationException($"unknown variable {path[0]}");
            // name.response.body.field
            var element = responses[path[0]];
            foreach (var field in path[3..]) element = element.GetProperty(field);
            return element.GetString()!;
        });

    [GeneratedRegex(@"^# @name (\w+)")]
    private static partial Regex NameLine();

    [GeneratedRegex(@"^(GET|POST|PUT|DELETE|PATCH) ")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^@(\w+) = (.+)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\{\{([\w.]+)\}\}")]
    private static partial Regex Reference();
}
