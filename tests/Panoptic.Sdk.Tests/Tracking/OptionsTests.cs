using Microsoft.Extensions.Configuration;
using Panoptic.Sdk.Export;
using Panoptic.Sdk.Tests.Support;
using Panoptic.TestUtilities;
using Panoptic.Sdk.Tracking;

namespace Panoptic.Sdk.Tests.Tracking;

// Environment variables are process-wide: these tests run in the SDK's serial collection.
[Collection(SdkTests.Name)]
public sealed class OptionsTests : IDisposable
{
    private static readonly string[] Variables = ["PANOPTIC_ENDPOINT", "PANOPTIC_API_KEY", "PANOPTIC_SERVICE", "PANOPTIC_OUTPUT", "PANOPTIC_FILE", "PANOPTIC_SAMPLE_RATE", "PANOPTIC_ENABLED", "PANOPTIC_HOSTS"];

    public OptionsTests()
    {
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
    }

    public void Dispose()
    {
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
        PanopticSdk.Shutdown();
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void TheConfigurationSection_IsBound_AndTheEnvironmentWinsOverIt()
    {
        var config = Config(("Panoptic:Endpoint", "https://panoptic.example.com/base"), ("Panoptic:ApiKey", "pan_ik_fromconfig"), ("Panoptic:Service", "chat-api"),
            ("Panoptic:Export:BatchSize", "50"), ("Panoptic:Export:FlushInterval", "00:00:02"), ("Panoptic:Sampling:Rate", "0.5"),
            ("Panoptic:Sampling:Providers:openai", "0.25"), ("Panoptic:Sampling:Operations:openai/embeddings", "0.01"), ("Panoptic:Hosts:llm.internal", "openai"));
        Environment.SetEnvironmentVariable("PANOPTIC_API_KEY", "pan_ik_fromenv");
        var options = PanopticOptions.FromConfiguration(config);
        options.Validate();
        options.Endpoint.ShouldBe(new Uri("https://panoptic.example.com/base/"));
        (options.ApiKey, options.Service, options.Export.BatchSize, options.Export.FlushInterval).ShouldBe(("pan_ik_fromenv", "chat-api", 50, TimeSpan.FromSeconds(2)));
        (options.Sampling.Rate, options.Sampling.RateFor("openai", "chat"), options.Sampling.RateFor("openai", "embeddings"), options.Sampling.RateFor("stripe", null)).ShouldBe((0.5, 0.25, 0.01, 0.5));
        options.Hosts!["llm.internal"].ShouldBe("openai");
    }

    [Fact]
    public void HostsWithAPort_ComeAsAList_BecauseAConfigurationKeyCannotHoldAColon()
    {
        Environment.SetEnvironmentVariable("PANOPTIC_HOSTS", "llm-proxy.internal:8443=openai, mail.internal=postmark");
        PanopticOptions.FromEnvironment().Hosts.ShouldBe(new Dictionary<string, string> { ["llm-proxy.internal:8443"] = "openai", ["mail.internal"] = "postmark" });
        Environment.SetEnvironmentVariable("PANOPTIC_HOSTS", "llm-proxy.internal:8443");
        Should.Throw<PanopticConfigurationException>(() => PanopticOptions.FromEnvironment().Validate())
            .Problems.ShouldBe(["Panoptic:Hosts (PANOPTIC_HOSTS) entries are host[:port]=provider, got 'llm-proxy.internal:8443'."]);
    }

    [Fact]
    public void EnvironmentVariablesAlone_AreEnough()
    {
        Environment.SetEnvironmentVariable("PANOPTIC_ENDPOINT", "http://127.0.0.1:8080");
        Environment.SetEnvironmentVariable("PANOPTIC_API_KEY", "pan_ik_abc");
        var options = PanopticOptions.FromEnvironment();
        options.Validate();
        (options.Endpoint, options.ApiKey, options.IsConfigured).ShouldBe((new Uri("http://127.0.0.1:8080/"), "pan_ik_abc", true));
    }

    [Fact]
    public void WrongSettings_AreAllReportedAtOnce_NamingTheSetting_AndNeverTheKey()
    {
        var config = Config(("Panoptic:Endpoint", "panoptic.example.com"), ("Panoptic:ApiKey", "pan_ik_secret value"), ("Panoptic:Export:BatchSize", "lots"),
            ("Panoptic:Sampling:Rate", "2"), ("Panoptic:Sampling:Operations:embeddings", "0.1"), ("Panoptic:Output", "kafka"));
        var error = Should.Throw<PanopticConfigurationException>(() => PanopticSdk.Init(PanopticOptions.FromConfiguration(config)));
        error.Problems.ShouldContain(p => p.StartsWith("Panoptic:Endpoint (PANOPTIC_ENDPOINT) must be an absolute http:// or https:// address", StringComparison.Ordinal));
        error.Problems.ShouldContain("Panoptic:Export:BatchSize must be a whole number, got 'lots'.");
        error.Problems.ShouldContain("Panoptic:Sampling:Rate must be between 0 and 1, got 2.");
        error.Problems.ShouldContain("Panoptic:Sampling:Operations:embeddings must be written provider/operation.");
        error.Problems.ShouldContain("Panoptic:Output (PANOPTIC_OUTPUT) must be server, console or file, got 'kafka'.");
        error.Problems.ShouldContain(p => p.Contains("ApiKey", StringComparison.Ordinal) && p.Contains("whitespace", StringComparison.Ordinal));
        error.Message.ShouldNotContain("secret");
        PanopticSdk.IsEnabled.ShouldBeFalse();
    }

    [Fact]
    public void AnEndpointWithoutAKey_IsAnError_ButNothingConfigured_LeavesTheSdkOff()
    {
        Should.Throw<PanopticConfigurationException>(() => PanopticSdk.Init(PanopticOptions.FromConfiguration(Config(("Panoptic:Endpoint", "https://p.example.com")))))
            .Problems.ShouldBe(["Panoptic:ApiKey (PANOPTIC_API_KEY) is missing: create an ingestion key with POST /api/v1/keys."]);
        PanopticSdk.Init(PanopticOptions.FromConfiguration(Config())).ShouldBeNull();
        PanopticSdk.IsEnabled.ShouldBeFalse();
        PanopticSdk.Track(new Operation { Provider = "openai" }, () => 42).ShouldBe(42);
    }

    [Fact]
    public void AnEndpointWithCredentials_IsNotEchoed()
    {
        var error = Should.Throw<PanopticConfigurationException>(() => PanopticOptions.FromConfiguration(Config(("Panoptic:Endpoint", "ftp://user:hunter2@p.example.com"), ("Panoptic:ApiKey", "k"))).Validate());
        error.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public async Task TheFileOutput_WritesOneJsonLinePerEvent_InTheServersShape()
    {
        var file = Path.Combine(Path.GetTempPath(), "panoptic-sdk-" + Guid.NewGuid().ToString("N"), "events.jsonl");
        try
        {
            var config = Config(("Panoptic:Output", "file"), ("Panoptic:File", file), ("Panoptic:Service", "worker"), ("Panoptic:Export:FlushInterval", "00:00:00.010"));
            var exporter = PanopticSdk.Init(PanopticOptions.FromConfiguration(config))!;
            PanopticSdk.Track(new Operation { Provider = "openai", Model = "gpt-4o-mini", Name = "chat", Usage = new() { InputTokens = 10, OutputTokens = 5 } }, () => 1);
            PanopticSdk.Track(new Operation { Provider = "stripe", Name = "charge" }, () => 2);
            (await exporter.FlushAsync(TimeSpan.FromSeconds(5))).ShouldBeTrue();
            await exporter.DisposeAsync();
            var lines = await File.ReadAllLinesAsync(file);
            lines.Length.ShouldBe(2);
            using var first = System.Text.Json.JsonDocument.Parse(lines[0]);
            first.RootElement.GetProperty("service").GetString().ShouldBe("worker");
            first.RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt64().ShouldBe(10);
            first.RootElement.GetProperty("id").GetString()!.Length.ShouldBe(32);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
