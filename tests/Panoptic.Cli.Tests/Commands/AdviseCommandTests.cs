using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Storage;
using Panoptic.TestUtilities;

namespace Panoptic.Cli.Tests.Commands;

/// <summary>`panoptic advise` against a real server on loopback: the table, the JSON, the --fail-over gate, and a key that never shows.</summary>
public sealed class AdviseCommandTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-advise-" + Guid.NewGuid().ToString("N"));
    private RunningServer _server = null!;
    private Onboarding.Tenant _alice = null!;

    public async Task InitializeAsync()
    {
        _server = await RunningServer.StartAsync(null, _data);
        _alice = await _server.OnboardAsync("alice@example.com");
        using var key = _server.Client(_alice.Key);
        // 400 small gpt-4o calls on November 10 ($2.32) that gpt-4o-mini would have answered for $0.1392: $2.18 to save.
        var events = Enumerable.Range(0, 400).Select(i => new
        {
            id = $"s{i}", timestamp = "2026-11-10T12:00:00Z", provider = "openai", model = "gpt-4o", feature = "tagging",
            usage = new { input_tokens = 2000, output_tokens = 80 },
        });
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        while (await _server.Services.GetRequiredService<PanopticStore>().RollUpAsync() > 0) { }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Advise_PrintsTheTable_AndTheJson_AndGatesOnFailOver()
    {
        var url = _server.Address.ToString();
        var table = await CliRun.Of("advise", "--url", url, "--key", _alice.Token);
        table.ExitCode.ShouldBe(ExitCodes.Success, table.Error);
        table.Out.ShouldContain("$2.18 of potential savings");
        table.Out.ShouldContain("     $2.18  right_sizing      100 % of gpt-4o calls in feature 'tagging' (400 of 400)");
        table.Error.ShouldContain("1 recommendations, $2.18 of potential savings over 30 days");

        var json = await CliRun.Of("advise", "--url", url, "--key", _alice.Token, "--format", "json", "--days", "14");
        json.ExitCode.ShouldBe(ExitCodes.Success, json.Error);
        var report = JsonDocument.Parse(json.Out).RootElement;
        report.GetProperty("window_days").GetInt32().ShouldBe(14);
        report.GetProperty("recommendations")[0].GetProperty("savings_usd").GetDecimal().ShouldBe(2.18m);

        (await CliRun.Of("advise", "--url", url, "--key", _alice.Token, "--fail-over", "2.18")).ExitCode.ShouldBe(ExitCodes.Success);
        var over = await CliRun.Of("advise", "--url", url, "--key", _alice.Token, "--fail-over", "2");
        over.ExitCode.ShouldBe(ExitCodes.SavingsOverThreshold);
        over.Error.ShouldContain("potential savings $2.18 exceed --fail-over $2.00");
        foreach (var run in new[] { table, json, over }) (run.Out + run.Error).ShouldNotContain(_alice.Token);
    }

    [Fact]
    public async Task Advise_AWrongKey_AnUnreachableServer_AndBadArguments_SayWhyWithoutTheKey()
    {
        const string secret = "pan_s_this-key-is-secret-and-wrong";
        var refused = await CliRun.Of("advise", "--url", _server.Address.ToString(), "--key", secret);
        refused.ExitCode.ShouldBe(ExitCodes.ServerUnreadable);
        refused.Error.ShouldContain("answered 401: it refused the key");

        var port = FreePort();
        var unreachable = await CliRun.Of("advise", "--url", $"http://127.0.0.1:{port}", "--key", secret);
        unreachable.ExitCode.ShouldBe(ExitCodes.ServerUnreadable);
        unreachable.Error.ShouldContain($"cannot read http://127.0.0.1:{port}");

        var badDays = await CliRun.Of("advise", "--url", _server.Address.ToString(), "--key", secret, "--days", "400");
        badDays.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        (await CliRun.Of("advise", "--url", "ftp://example.com", "--key", secret)).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        (await CliRun.Of("advise", "--url", $"http://user:{secret}@127.0.0.1:{port}", "--key", secret)).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        (await CliRun.Of("advise", "--key", secret)).ExitCode.ShouldBe(ExitCodes.InvalidInput);
        var negative = await CliRun.Of("advise", "--url", _server.Address.ToString(), "--key", secret, "--fail-over", "-1");
        negative.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        foreach (var run in new[] { refused, unreachable, badDays, negative }) (run.Out + run.Error).ShouldNotContain(secret);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
