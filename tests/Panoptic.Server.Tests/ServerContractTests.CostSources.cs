using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Panoptic.Server.CostSources;
using Panoptic.Server.Tests.CostSources;
using Panoptic.TestUtilities;
using Line = Panoptic.TestUtilities.FakeCostProviders.Line;

namespace Panoptic.Server.Tests;

/// <summary>Cost sources against fake provider admin APIs on loopback, and reconciliation of what they bill with the ledger.</summary>
public abstract partial class ServerContractTests
{
    private readonly List<FakeCostProviders> _costFakes = [];

    private async Task<(RunningServer Server, FakeCostProviders Fake, RecordingDelay Delay)> StartWithCostFakesAsync()
    {
        var delay = new RecordingDelay();
        var server = await StartAsync(services: s => s.AddSingleton<CostSourceDelay>(delay));
        var fake = await FakeCostProviders.StartAsync();
        _costFakes.Add(fake);
        return (server, fake, delay);
    }

    private static readonly DateOnly October1 = new(2026, 10, 1);

    /// <summary>Every day from October 1 through today (November 22): the backfill's whole window.</summary>
    private static IEnumerable<DateOnly> BackfillDays() => Enumerable.Range(0, 53).Select(October1.AddDays);

    private async Task<JsonElement> SyncAsync(HttpClient session, string id)
    {
        var response = await session.PostAsync($"/api/v1/cost-sources/{id}/sync", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, string.Join("\n", _servers.Select(s => s.Logs)));
        return await JsonOf(response);
    }

    private static async Task<string> CreateSourceAsync(HttpClient session, object body)
    {
        var response = await session.PostAsJsonAsync("/api/v1/cost-sources", body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JsonOf(response)).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task CostSources_OpenAi_BackfillsTwoMonths_ReconcilesToTheCent_AndReimportsWithoutDoubleCounting()
    {
        var (server, fake, _) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        using var session = server.Client(alice.Token);
        // The ledger saw $10.37 of gpt-4o-mini and $7.21 of gpt-4o each day of November; OpenAI billed $11.13 and $7.95.
        var events = new List<object>();
        foreach (var day in Enumerable.Range(1, 22).Select(d => new DateTimeOffset(2026, 11, d, 8, 0, 0, TimeSpan.Zero)))
        {
            events.Add(Event($"mini-{day:dd}", day, model: "gpt-4o-mini", cost: new { amount = 10.37m }));
            events.Add(Event($"4o-{day:dd}", day, model: "gpt-4o-2024-08-06", cost: new { amount = 7.21m }));
        }
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var day in BackfillDays())
        {
            fake.Lines["openai"].Add(new Line(day, "gpt-4o-mini-2024-07-18", 11.13m, 1_000_000, 200_000, 900));
            fake.Lines["openai"].Add(new Line(day, "gpt-4o-2024-08-06", 7.95m, 100_000, 50_000, 120));
        }
        (await session.PutAsJsonAsync("/api/v1/reconciliation/settings", new { drift_alert_percent = 5, drift_min_usd = 10 })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var created = await session.PostAsJsonAsync("/api/v1/cost-sources", new { name = "OpenAI org", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = fake.BaseUrl("openai") });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var source = await JsonOf(created);
        source.GetProperty("hint").GetString().ShouldBe("sk-…cdef");
        source.GetProperty("status").GetString().ShouldBe("new");
        var id = source.GetProperty("id").GetString()!;
        var sync = await SyncAsync(session, id);
        sync.GetProperty("ok").GetBoolean().ShouldBeTrue(sync.ToString());
        sync.GetProperty("days").GetInt32().ShouldBe(53);
        fake.Requests.Count(r => r.StartsWith("/v1/organization/costs", StringComparison.Ordinal)).ShouldBe(8); // 53 days, 7 a page
        fake.Requests.ShouldContain(r => r.Contains("page=page_7", StringComparison.Ordinal));

        async Task<JsonElement> OpenAiAsync(string query = "")
        {
            var report = await JsonOf(await session.GetAsync("/api/v1/reconciliation" + query));
            return report.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "openai");
        }
        void ShouldReconcileNovember(JsonElement openai)
        {
            var figures = openai.GetProperty("figures");
            // November 1-21: today's bill is not complete, so it is not compared yet.
            openai.GetProperty("compared_days").GetInt32().ShouldBe(21);
            openai.GetProperty("compared_through").GetString().ShouldBe("2026-11-21");
            figures.GetProperty("billed_usd").GetDecimal().ShouldBe(21 * 19.08m);
            figures.GetProperty("recorded_usd").GetDecimal().ShouldBe(21 * 17.58m);
            figures.GetProperty("difference_usd").GetDecimal().ShouldBe(31.50m);
            figures.GetProperty("difference_share").GetDouble().ShouldBe(0.0786);
            openai.GetProperty("summary").GetString().ShouldBe("OpenAI billed $400.68 this month; Panoptic saw $369.18: $31.50 (7.9 %) unattributed.");
            var mini = openai.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "gpt-4o-mini").GetProperty("figures");
            (mini.GetProperty("billed_usd").GetDecimal(), mini.GetProperty("recorded_usd").GetDecimal()).ShouldBe((21 * 11.13m, 21 * 10.37m));
            var today = openai.GetProperty("days").EnumerateArray().Single(d => d.GetProperty("day").GetString() == "2026-11-22").GetProperty("figures");
            today.GetProperty("billed_usd").ValueKind.ShouldBe(JsonValueKind.Null);
            today.GetProperty("recorded_usd").GetDecimal().ShouldBe(17.58m);
        }
        ShouldReconcileNovember(await OpenAiAsync());
        var october = (await OpenAiAsync("?from=2026-10-01&to=2026-11-01")).GetProperty("figures");
        (october.GetProperty("billed_usd").GetDecimal(), october.GetProperty("recorded_usd").GetDecimal()).ShouldBe((31 * 19.08m, 0m));

        // Syncing again re-reads the last days and replaces them: nothing counts twice.
        (await SyncAsync(session, id)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        (await SyncAsync(session, id)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        ShouldReconcileNovember(await OpenAiAsync());
        // OpenAI revises November 20 down by $1.00: the new figure replaces the old one.
        var revised = fake.Lines["openai"].FindIndex(l => l.Day == new DateOnly(2026, 11, 20) && l.Model.StartsWith("gpt-4o-mini", StringComparison.Ordinal));
        fake.Lines["openai"][revised] = fake.Lines["openai"][revised] with { CostUsd = 10.13m };
        (await SyncAsync(session, id)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        (await OpenAiAsync()).GetProperty("figures").GetProperty("billed_usd").GetDecimal().ShouldBe(21 * 19.08m - 1m);

        // The drift (7.6 % after the revision, $30.50) is over the 5 % set: one alert, however many syncs.
        var alerts = (await JsonOf(await session.GetAsync("/api/v1/alerts"))).EnumerateArray().Where(a => a.GetProperty("kind").GetString() == "billing_drift").ToList();
        alerts.Count.ShouldBe(1);
        alerts[0].GetProperty("message").GetString()!.ShouldStartWith("OpenAI billed $400.68 this month; Panoptic saw $369.18: $31.50 (7.9 %) unattributed.");

        // The key never comes back, and is stored encrypted.
        var listed = await session.GetStringAsync("/api/v1/cost-sources");
        listed.ShouldNotContain(FakeCostProviders.OpenAiKey);
        listed.ShouldContain("\"status\":\"ok\"");
        var stored = await server.Services.GetRequiredService<Panoptic.Storage.PanopticStore>().CostSourceAsync(alice.WorkspaceId, id);
        stored!.Secret.ShouldNotBeNull();
        stored.Secret.ShouldNotContain("FAKEopenai");
    }

    [Fact]
    public async Task CostSources_RateLimitedAndFailingHalfWay_KeepWhatTheyImported_AndShowTheLastErrorAndSuccess()
    {
        var (server, fake, delay) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        foreach (var day in BackfillDays()) fake.Lines["anthropic"].Add(new Line(day, "claude-3-5-haiku-20241022", 2.50m, 400_000, 80_000));
        var id = await CreateSourceAsync(session, new { name = "Anthropic", kind = "anthropic", api_key = FakeCostProviders.AnthropicKey, base_url = fake.BaseUrl("anthropic") });

        // Two 429s with Retry-After: 30 are waited out (on the test's delay, not for real), then the sync completes.
        fake.RateLimitNext = 2;
        var first = await SyncAsync(session, id);
        first.GetProperty("ok").GetBoolean().ShouldBeTrue(first.ToString());
        delay.Waits.ShouldBe([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)]);
        var lastSuccess = first.GetProperty("source").GetProperty("last_success_at").GetDateTimeOffset();

        // The next sync re-reads the last week; Anthropic serves one page of it, then fails with 500s.
        foreach (var i in Enumerable.Range(0, fake.Lines["anthropic"].Count)) fake.Lines["anthropic"][i] = fake.Lines["anthropic"][i] with { CostUsd = 3m };
        server.Time.Advance(TimeSpan.FromHours(2));
        fake.FailCostPagesAfter = 0;
        while (delay.Waits.TryDequeue(out _)) { }
        var failed = await SyncAsync(session, id);
        failed.GetProperty("ok").GetBoolean().ShouldBeFalse();
        failed.GetProperty("error").GetString().ShouldBe("Anthropic answered 500 after 5 attempts");
        delay.Waits.ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)]);
        var view = failed.GetProperty("source");
        view.GetProperty("status").GetString().ShouldBe("failing");
        view.GetProperty("last_error").GetString().ShouldBe("Anthropic answered 500 after 5 attempts");
        view.GetProperty("last_success_at").GetDateTimeOffset().ShouldBe(lastSuccess);
        var billed = (await JsonOf(await session.GetAsync("/api/v1/reconciliation?provider=Anthropic"))).GetProperty("providers")[0].GetProperty("figures").GetProperty("billed_usd");
        billed.GetDecimal().ShouldBe(21 * 2.50m);

        // Half-way: the first cost page (November 16 to 18) lands; everything imported before stays as it was.
        fake.PageSize = 3;
        fake.FailCostPagesAfter = 1;
        var half = await SyncAsync(session, id);
        half.GetProperty("ok").GetBoolean().ShouldBeFalse();
        half.GetProperty("days").GetInt32().ShouldBe(3);
        var after = (await JsonOf(await session.GetAsync("/api/v1/reconciliation?provider=anthropic"))).GetProperty("providers")[0];
        after.GetProperty("figures").GetProperty("billed_usd").GetDecimal().ShouldBe(18 * 2.50m + 3 * 3m);
        after.GetProperty("compared_days").GetInt32().ShouldBe(21);

        // A Retry-After past the longest wait fails at once, saying so.
        fake.FailCostPagesAfter = null;
        fake.RateLimitNext = 1;
        fake.RetryAfter = "3600";
        (await SyncAsync(session, id)).GetProperty("error").GetString().ShouldBe("Anthropic is rate limiting (429) and asks to wait 3600 s; the next scheduled sync retries");
        var healed = await SyncAsync(session, id);
        healed.GetProperty("ok").GetBoolean().ShouldBeTrue();
        healed.GetProperty("source").GetProperty("last_error").ValueKind.ShouldBe(JsonValueKind.Null);
        healed.GetProperty("source").GetProperty("status").GetString().ShouldBe("ok");
    }

    [Fact]
    public async Task CostSources_AWrongKey_FailsClearly_AndTheKeyIsNeverShownOrLogged()
    {
        var (server, fake, _) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        const string wrong = "sk-admin-WRONGkey-9876543210zyxwvu";
        var id = await CreateSourceAsync(session, new { name = "OpenAI", kind = "openai", api_key = wrong, base_url = fake.BaseUrl("openai") });
        var response = await session.PostAsync($"/api/v1/cost-sources/{id}/sync", null);
        var text = await response.Content.ReadAsStringAsync();
        var sync = JsonDocument.Parse(text).RootElement;
        sync.GetProperty("ok").GetBoolean().ShouldBeFalse();
        sync.GetProperty("error").GetString().ShouldBe("OpenAI refused the key (401): it needs an admin or read-only key with access to usage and costs");
        text.ShouldNotContain("WRONGkey");
        (await session.GetStringAsync($"/api/v1/cost-sources/{id}")).ShouldNotContain("WRONGkey");
        server.Logs.ShouldContain("refused the key");
        server.Logs.ShouldNotContain("WRONGkey");
        // Rotating the key makes the source due at once; the scheduler syncs it.
        (await session.PatchAsJsonAsync($"/api/v1/cost-sources/{id}", new { api_key = FakeCostProviders.OpenAiKey })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Services.GetRequiredService<CostSyncService>().RunDueAsync(CancellationToken.None)).ShouldBe(1);
        (await JsonOf(await session.GetAsync($"/api/v1/cost-sources/{id}"))).GetProperty("status").GetString().ShouldBe("ok");
    }

    [Fact]
    public async Task CostSources_Schedule_RunsEachSourceOnItsInterval_OnceAcrossServers()
    {
        var (first, fake, _) = await StartWithCostFakesAsync();
        var second = await StartAsync(first.Time);
        var alice = await first.OnboardAsync("alice@example.com");
        using var session = first.Client(alice.Token);
        fake.Lines["openai"].Add(new Line(new DateOnly(2026, 11, 2), "gpt-4o", 5m));
        await CreateSourceAsync(session, new { name = "OpenAI", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = fake.BaseUrl("openai"), interval_minutes = 60 });
        var runs = await Task.WhenAll(first.Services.GetRequiredService<CostSyncService>().RunDueAsync(CancellationToken.None),
            second.Services.GetRequiredService<CostSyncService>().RunDueAsync(CancellationToken.None));
        runs.Sum().ShouldBe(1);
        var backfill = fake.Requests.First(r => r.StartsWith("/v1/organization/costs", StringComparison.Ordinal));
        backfill.ShouldContain($"start_time={new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}");
        (await first.Services.GetRequiredService<CostSyncService>().RunDueAsync(CancellationToken.None)).ShouldBe(0);
        first.Time.Advance(TimeSpan.FromMinutes(61));
        while (fake.Requests.TryDequeue(out _)) { }
        (await second.Services.GetRequiredService<CostSyncService>().RunDueAsync(CancellationToken.None)).ShouldBe(1);
        // After the backfill, a sync re-reads the last seven days: from November 16.
        fake.Requests.First(r => r.StartsWith("/v1/organization/costs", StringComparison.Ordinal))
            .ShouldContain($"start_time={new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}");
    }

    [Fact]
    public async Task CostSources_CsvUploads_ReplaceTheirDays_AndABadFileImportsNothing()
    {
        var (server, _, _) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        var id = await CreateSourceAsync(session, new { name = "Invoices", kind = "csv" });
        const string invoice = "Date,Provider,Model,Cost_USD,Description\n2026-11-01,Stripe,,12.30,Card fees\n2026-11-02,Stripe,,7.70,\"Card fees, EU\"\n2026-11-02,Twilio,,3.10,SMS\n";
        async Task<HttpResponseMessage> UploadAsync(string csv) => await session.PostAsync($"/api/v1/cost-sources/{id}/upload", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var uploaded = await UploadAsync(invoice);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.OK);
        var result = await JsonOf(uploaded);
        (result.GetProperty("days").GetInt32(), result.GetProperty("rows").GetInt32(), result.GetProperty("cost_usd").GetDecimal()).ShouldBe((2, 3, 23.10m));
        (await UploadAsync(invoice)).StatusCode.ShouldBe(HttpStatusCode.OK);
        async Task<decimal?> BilledAsync(string provider) => (await JsonOf(await session.GetAsync($"/api/v1/reconciliation?provider={provider}"))).GetProperty("providers")
            .EnumerateArray().Select(p => p.GetProperty("figures").GetProperty("billed_usd").GetDecimal()).Cast<decimal?>().SingleOrDefault();
        (await BilledAsync("stripe")).ShouldBe(20.00m);
        (await BilledAsync("twilio")).ShouldBe(3.10m);

        // Bad lines are reported by number; nothing of the file is imported.
        var bad = await UploadAsync("date,provider,cost_usd\n2026-11-01,stripe,99\n2026-13-01,stripe,1\n\n2026-11-03,,abc\n");
        bad.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await JsonOf(bad);
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()).ShouldBe([3, 5]);
        problem.GetProperty("errors")[1].GetProperty("error").GetString().ShouldBe("provider: 1 to 100 characters; cost_usd 'abc' is not an amount in dollars such as 12.34");
        (await BilledAsync("stripe")).ShouldBe(20.00m);
        (await UploadAsync("when,who,amount\n2026-11-01,x,1\n")).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await UploadAsync("")).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await session.PostAsync($"/api/v1/cost-sources/{id}/upload", new ByteArrayContent([0xff, 0xfe, 0x00, 0x41]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // A corrected November 2 replaces that day only; a multipart upload works the same.
        using var form = new MultipartFormDataContent { { new StringContent("date,provider,cost_usd\n2026-11-02,stripe,8.00\n"), "file", "november.csv" } };
        (await session.PostAsync($"/api/v1/cost-sources/{id}/upload", form)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BilledAsync("stripe")).ShouldBe(20.30m);
        (await BilledAsync("twilio")).ShouldBeNull();

        // Huge uploads are refused unread.
        var huge = new StringBuilder("date,provider,cost_usd\n");
        while (huge.Length <= CsvUpload.MaxBytes) huge.Append("2026-11-05,stripe,1.00\n");
        (await UploadAsync(huge.ToString())).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await BilledAsync("stripe")).ShouldBe(20.30m);
        (await session.PostAsync($"/api/v1/cost-sources/{id}/sync", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task CostSources_Langfuse_NamesProvidersFromModels_AndAProvidersOwnApiWinsOverIt()
    {
        var (server, fake, _) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var session = server.Client(alice.Token);
        foreach (var day in Enumerable.Range(1, 10).Select(d => new DateOnly(2026, 11, d)))
        {
            fake.Lines["langfuse"].Add(new Line(day, "gpt-4o-mini", 1.25m, 1000, 100, 10));
            fake.Lines["langfuse"].Add(new Line(day, "claude-3-5-sonnet-20241022", 2.00m, 1000, 100, 10));
        }
        var langfuse = await CreateSourceAsync(session, new
        {
            name = "Langfuse", kind = "langfuse", api_key = FakeCostProviders.LangfuseSecretKey, public_key = FakeCostProviders.LangfusePublicKey, base_url = fake.BaseUrl("langfuse"),
        });
        (await SyncAsync(session, langfuse)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        var report = await JsonOf(await session.GetAsync("/api/v1/reconciliation"));
        var providers = report.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("provider").GetString()!);
        providers["openai"].GetProperty("figures").GetProperty("billed_usd").GetDecimal().ShouldBe(12.50m);
        providers["anthropic"].GetProperty("figures").GetProperty("billed_usd").GetDecimal().ShouldBe(20.00m);
        providers["anthropic"].GetProperty("models")[0].GetProperty("model").GetString().ShouldBe("claude-3-5-sonnet");

        // Once OpenAI's own API is connected, OpenAI's bill is read from it alone.
        fake.Lines["openai"].Add(new Line(new DateOnly(2026, 11, 3), "gpt-4o-mini-2024-07-18", 4m));
        var openai = await CreateSourceAsync(session, new { name = "OpenAI", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = fake.BaseUrl("openai") });
        (await SyncAsync(session, openai)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        providers = (await JsonOf(await session.GetAsync("/api/v1/reconciliation"))).GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("provider").GetString()!);
        providers["openai"].GetProperty("figures").GetProperty("billed_usd").GetDecimal().ShouldBe(4m);
        providers["openai"].GetProperty("sources").EnumerateArray().Select(s => s.GetString()).ShouldBe(["OpenAI"]);
        providers["anthropic"].GetProperty("figures").GetProperty("billed_usd").GetDecimal().ShouldBe(20.00m);
    }

    [Fact]
    public async Task CostSources_Crud_ValidatesInput_StaysInItsWorkspace_AndDeletingForgetsTheBill()
    {
        var (server, fake, _) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        var bob = await server.OnboardAsync("bob@example.com");
        using var session = server.Client(alice.Token);
        foreach (var bad in new object[]
        {
            new { name = "", kind = "openai", api_key = FakeCostProviders.OpenAiKey }, new { name = "x", kind = "stripe", api_key = "sk-12345678" },
            new { name = "x", kind = "openai", api_key = "short" }, new { name = "x", kind = "openai", api_key = "sk-admin-has space" },
            new { name = "x", kind = "langfuse", api_key = FakeCostProviders.LangfuseSecretKey }, new { name = "x", kind = "csv", api_key = "sk-12345678" },
            new { name = "x", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = "ftp://example.com" },
            new { name = "x", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = "https://user:pw@example.com" },
            new { name = "x", kind = "anthropic", api_key = FakeCostProviders.AnthropicKey, interval_minutes = 1 },
        })
        {
            var response = await session.PostAsJsonAsync("/api/v1/cost-sources", bad);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, JsonSerializer.Serialize(bad));
            (await response.Content.ReadAsStringAsync()).ShouldNotContain(FakeCostProviders.OpenAiKey);
        }
        (await session.PostAsync("/api/v1/cost-sources", Raw("{not json"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await session.GetAsync("/api/v1/reconciliation?from=yesterday")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await session.GetAsync("/api/v1/reconciliation?from=2026-11-10&to=2026-11-01")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await session.PutAsJsonAsync("/api/v1/reconciliation/settings", new { drift_alert_percent = -1 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        fake.Lines["openai"].Add(new Line(new DateOnly(2026, 11, 3), "gpt-4o", 4m));
        var id = await CreateSourceAsync(session, new { name = "OpenAI", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = fake.BaseUrl("openai") });
        (await session.PostAsJsonAsync("/api/v1/cost-sources", new { name = "OpenAI", kind = "csv" })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await SyncAsync(session, id)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        var patched = await JsonOf(await session.PatchAsJsonAsync($"/api/v1/cost-sources/{id}", new { name = "OpenAI prod", interval_minutes = 30 }));
        (patched.GetProperty("name").GetString(), patched.GetProperty("interval_minutes").GetDouble()).ShouldBe(("OpenAI prod", 30));

        using var bobSession = server.Client(bob.Token);
        (await bobSession.GetAsync($"/api/v1/cost-sources/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bobSession.PostAsync($"/api/v1/cost-sources/{id}/sync", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await bobSession.DeleteAsync($"/api/v1/cost-sources/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await JsonOf(await bobSession.GetAsync("/api/v1/reconciliation"))).GetProperty("providers").GetArrayLength().ShouldBe(0);
        (await server.Client().GetAsync("/api/v1/cost-sources")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await session.DeleteAsync($"/api/v1/cost-sources/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await JsonOf(await session.GetAsync("/api/v1/reconciliation"))).GetProperty("providers").GetArrayLength().ShouldBe(0);
        (await JsonOf(await session.GetAsync("/api/v1/cost-sources"))).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Budgets_WithBudgetsUseBilled_CountTheBillWhereItCoversTheDay()
    {
        var (server, fake, _) = await StartWithCostFakesAsync();
        var alice = await server.OnboardAsync("alice@example.com");
        using var key = server.Client(alice.Key);
        using var session = server.Client(alice.Token);
        var events = Enumerable.Range(1, 22).Select(d => Event($"o-{d}", new DateTimeOffset(2026, 11, d, 8, 0, 0, TimeSpan.Zero), cost: new { amount = 10 })).ToArray();
        (await key.PostAsJsonAsync("/api/v1/events", events)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var day in Enumerable.Range(1, 21).Select(d => new DateOnly(2026, 11, d))) fake.Lines["openai"].Add(new Line(day, "gpt-4o-mini", 12m));
        var id = await CreateSourceAsync(session, new { name = "OpenAI", kind = "openai", api_key = FakeCostProviders.OpenAiKey, base_url = fake.BaseUrl("openai") });
        (await SyncAsync(session, id)).GetProperty("ok").GetBoolean().ShouldBeTrue();
        (await session.PostAsJsonAsync("/api/v1/budgets", new { name = "OpenAI", scope = "provider", scope_value = "openai", amount = 1000 })).StatusCode.ShouldBe(HttpStatusCode.Created);
        async Task<JsonElement> BudgetAsync() => (await JsonOf(await session.GetAsync("/api/v1/budgets")))[0];
        var recorded = await BudgetAsync();
        (recorded.GetProperty("spent").GetDecimal(), recorded.GetProperty("basis").GetString()).ShouldBe((220m, "recorded"));
        var settings = await JsonOf(await session.PutAsJsonAsync("/api/v1/reconciliation/settings", new { budgets_use_billed = true }));
        (settings.GetProperty("budgets_use_billed").GetBoolean(), settings.GetProperty("drift_min_usd").GetDouble()).ShouldBe((true, 1));
        var billed = await BudgetAsync();
        // November 1-21 as billed ($12 a day), today as recorded ($10 so far).
        (billed.GetProperty("spent").GetDecimal(), billed.GetProperty("basis").GetString()).ShouldBe((21 * 12m + 10m, "billed"));
    }
}
