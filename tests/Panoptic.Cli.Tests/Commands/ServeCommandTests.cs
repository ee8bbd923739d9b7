using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Panoptic.Cli.Commands;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

/// <summary>`panoptic serve` as a separate process: what a user starts, and what `kill -9` does to it.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-serve-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AcknowledgedEvents_SurviveKill9TheInstantAfterTheResponse()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var server = await StartAsync(url);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var (token, key) = await OnboardAsync(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var acknowledged = 0;
        for (var round = 0; round < 3; round++)
        {
            var batch = Enumerable.Range(0, 1000).Select(i => new
            {
                id = $"r{round}-{i}", timestamp = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"), provider = "openai", model = "gpt-4o-mini",
                usage = new { input_tokens = 100, output_tokens = 10 },
            }).ToArray();
            var response = await http.PostAsJsonAsync("/api/v1/events", batch);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            server.Kill(); // SIGKILL: no shutdown hooks, no flush
            acknowledged += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32();
            await server.WaitForExitAsync();
            server = await StartAsync(url);
        }
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var costs = await http.GetFromJsonAsync<JsonElement>($"/api/v1/costs?from={DateTimeOffset.UtcNow.AddDays(-2):yyyy-MM-dd}&to={DateTimeOffset.UtcNow.AddDays(2):yyyy-MM-dd}");
        costs.GetProperty("total").GetProperty("events").GetInt64().ShouldBe(acknowledged);
        acknowledged.ShouldBe(3000);
        server.Kill();
        await server.WaitForExitAsync();
    }

    [Fact]
    public async Task ScanPush_UploadsTheRegistry_AndAWrongKeyFailsWithoutShowingIt()
    {
        var builder = Panoptic.Server.PanopticServer.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Configuration["Panoptic:DataDirectory"] = _data;
        builder.Configuration["Panoptic:PasswordIterations"] = "1000";
        await using var app = Panoptic.Server.PanopticServer.Build(builder);
        await app.StartAsync();
        var url = app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var (token, key) = await OnboardAsync(http);
        using var repo = new TempRepository("pushed").With("requirements.txt", "openai==1.50.0\n").With("app.py", "import openai\n");

        var run = await CliRun.Of("scan", repo.Root, "--format", "json", "--push", url, "--key", key);
        run.ExitCode.ShouldBe(ExitCodes.Success, run.Error);
        run.Error.ShouldContain("pushed registry reg_");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var latest = await http.GetFromJsonAsync<JsonElement>("/api/v1/registries/latest");
        latest.GetProperty("registry").GetProperty("external_apis")[0].GetProperty("id").GetString().ShouldBe("openai");

        var wrong = await CliRun.Of("scan", repo.Root, "--push", url, "--key", "pan_ik_not-a-real-key-but-long-enough-to-look-like-one");
        wrong.ExitCode.ShouldBe(ExitCodes.Failure);
        wrong.Error.ShouldContain("refused the registry (401)");
        wrong.Error.ShouldNotContain("not-a-real-key");
        (await CliRun.Of("scan", repo.Root, "--push", "ftp://example.com", "--key", "k")).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        (await CliRun.Of("scan", repo.Root, "--push", url)).ExitCode.ShouldBe(Environment.GetEnvironmentVariable(ScanCommand.KeyVariable) is null ? ExitCodes.InvalidInput : ExitCodes.Failure);
        await app.StopAsync();
    }

    [Fact]
    public async Task Serve_BadDatabaseUrl_ExitsInvalidInput()
    {
        var run = await CliRun.Of("serve", "--db", "postgres://", "--data", _data);
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Error.ShouldContain("PostgreSQL URL is not valid");
    }

    [Fact]
    public async Task Serve_TrustProxyThatIsNotAnAddress_ExitsInvalidInputNamingTheSetting()
    {
        var run = await CliRun.Of("serve", "--trust-proxy", "127.0.0.1,proxy.local", "--data", _data, "--urls", "http://127.0.0.1:0");
        run.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        run.Error.ShouldContain("Panoptic:TrustProxy: 'proxy.local'");
    }

    [Fact]
    public void FirstRun_ShowsTheCommandsWithThisServersAddress() =>
        ServeCommand.FirstRun("http://127.0.0.1:7400").ShouldSatisfyAllConditions(
            text => text.ShouldContain("Open http://127.0.0.1:7400/signup in a browser"),
            text => text.ShouldContain("curl -X POST http://127.0.0.1:7400/api/v1/auth/signup"));

    private Task<Process> StartAsync(string url) => ServeProcess.StartAsync(Path.Combine(AppContext.BaseDirectory, "panoptic.dll"), _data, url);

    private static async Task<(string Token, string Key)> OnboardAsync(HttpClient http)
    {
        var tenant = await Onboarding.OnboardAsync(http.BaseAddress!, "me@example.com");
        return (tenant.Token, tenant.Key);
    }

    private static int FreePort() => ServeProcess.FreePort();
}
