using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Panoptic.TestUtilities;

/// <summary>
/// Stand-ins, on loopback, for the admin APIs cost sources read, in their public response shapes (2026): OpenAI's
/// organization Costs and Usage APIs (daily buckets, page / has_more / next_page, amounts in dollars), Anthropic's
/// cost and usage reports (RFC 3339 buckets, amounts as decimal strings in cents) and Langfuse's daily metrics
/// (page / meta.totalPages, Basic auth). Each serves <see cref="Lines"/> of its provider, <see cref="PageSize"/> days a
/// page, and can misbehave: <see cref="RateLimitNext"/> answers 429 with Retry-After, <see cref="FailCostPagesAfter"/>
/// answers 500 once that many cost pages were served (an outage half-way).
/// </summary>
public sealed class FakeCostProviders : IAsyncDisposable
{
    public const string OpenAiKey = "sk-admin-FAKEopenai0123456789abcdef";
    public const string AnthropicKey = "sk-ant-admin01-FAKEanthropic0123456789";
    public const string LangfusePublicKey = "pk-lf-fake-public-0001";
    public const string LangfuseSecretKey = "sk-lf-FAKEsecret0123456789";

    /// <summary>A day's spend on one model: the fake splits it into an input and an output line the way the provider itemizes it.</summary>
    public sealed record Line(DateOnly Day, string Model, decimal CostUsd, long InputTokens = 0, long OutputTokens = 0, long Requests = 0);

    private WebApplication _app = null!;
    private int _costPages;

    public Uri Address { get; private set; } = null!;

    public ConcurrentDictionary<string, List<Line>> Lines { get; } = new() { ["openai"] = [], ["anthropic"] = [], ["langfuse"] = [] };

    public int PageSize { get; set; } = 7;
    public int RateLimitNext { get; set; }
    public string RetryAfter { get; set; } = "30";
    /// <summary>Cost pages served before every further one fails with 500 (counted from when this is set); null: no outage.</summary>
    public int? FailCostPagesAfter
    {
        get;
        set
        {
            field = value;
            _costPages = 0;
        }
    }

    /// <summary>Every request: path and query.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<FakeCostProviders> StartAsync()
    {
        var fake = new FakeCostProviders();
        (fake._app, fake.Address) = await WebApp.StartAsync(null, app =>
        {
            app.MapGet("/v1/organization/costs", (HttpContext http) => fake.Guard(http, "openai", cost: true) ?? fake.OpenAiCosts(http));
            app.MapGet("/v1/organization/usage/completions", (HttpContext http) => fake.Guard(http, "openai", cost: false) ?? fake.OpenAiUsage(http));
            app.MapGet("/v1/organizations/cost_report", (HttpContext http) => fake.Guard(http, "anthropic", cost: true) ?? fake.AnthropicCosts(http));
            app.MapGet("/v1/organizations/usage_report/messages", (HttpContext http) => fake.Guard(http, "anthropic", cost: false) ?? fake.AnthropicUsage(http));
            app.MapGet("/api/public/metrics/daily", (HttpContext http) => fake.Guard(http, "langfuse", cost: true) ?? fake.LangfuseDaily(http));
        });
        return fake;
    }

    /// <summary>OpenAI's base URL for a cost source (…/v1), Anthropic's likewise; Langfuse's is the root.</summary>
    public string BaseUrl(string kind) => kind == "langfuse" ? Address.ToString().TrimEnd('/') : Address + "v1";

    private IResult? Guard(HttpContext http, string provider, bool cost)
    {
        Requests.Enqueue(http.Request.Path + http.Request.QueryString);
        var authorized = provider switch
        {
            "openai" => http.Request.Headers.Authorization == "Bearer " + OpenAiKey,
            "anthropic" => http.Request.Headers["x-api-key"] == AnthropicKey,
            _ => http.Request.Headers.Authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{LangfusePublicKey}:{LangfuseSecretKey}")),
        };
        if (!authorized)
        {
            // As OpenAI does, the message quotes part of the key it was given: the importer must not pass it on.
            var given = http.Request.Headers.Authorization.ToString();
            return Results.Json(new { error = new { message = $"Incorrect API key provided: {given}.", type = "invalid_request_error", code = "invalid_api_key" } }, statusCode: 401);
        }
        if (provider == "anthropic" && http.Request.Headers["anthropic-version"] != "2023-06-01")
            return Results.Json(new { type = "error", error = new { type = "invalid_request_error", message = "anthropic-version: header is required" } }, statusCode: 400);
        if (RateLimitNext > 0)
        {
            RateLimitNext--;
            http.Response.Headers.RetryAfter = RetryAfter;
            return Results.Json(new { error = new { message = "Rate limit reached", type = "rate_limit_error" } }, statusCode: 429);
        }
        if (cost && FailCostPagesAfter is { } after && _costPages >= after) return Results.Json(new { error = new { message = "The server had an error", type = "server_error" } }, statusCode: 500);
        if (cost) _costPages++;
        return null;
    }

    private List<Line> Of(string provider) => Lines[provider];

    private (List<DateOnly> Days, string? Next) Page(DateOnly from, DateOnly to, string? cursor)
    {
        var start = cursor is null ? 0 : int.Parse(cursor["page_".Length..], CultureInfo.InvariantCulture);
        var all = Enumerable.Range(0, Math.Max(0, to.DayNumber - from.DayNumber)).Select(from.AddDays).ToList();
        var days = all.Skip(start).Take(PageSize).ToList();
        return (days, start + PageSize < all.Count ? "page_" + (start + PageSize).ToString(CultureInfo.InvariantCulture) : null);
    }

    private static DateOnly UnixDay(string? seconds) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(long.Parse(seconds!, CultureInfo.InvariantCulture)).UtcDateTime);

    private static long Unix(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();

    private static decimal InputShare(decimal cost) => Math.Round(cost * 0.6m, 6);

    private IResult OpenAiCosts(HttpContext http)
    {
        var q = http.Request.Query;
        var (days, next) = Page(UnixDay(q["start_time"]), UnixDay(q["end_time"]), q["page"].FirstOrDefault());
        return Results.Json(new
        {
            @object = "page",
            data = days.Select(d => new
            {
                @object = "bucket", start_time = Unix(d), end_time = Unix(d.AddDays(1)),
                results = Of("openai").Where(l => l.Day == d).SelectMany(l => new[] { (l.Model + ", input", InputShare(l.CostUsd)), (l.Model + ", output", l.CostUsd - InputShare(l.CostUsd)) })
                    .Select(item => new { @object = "organization.costs.result", amount = new { value = item.Item2, currency = "usd" }, line_item = item.Item1, project_id = (string?)null }),
            }),
            has_more = next is not null, next_page = next,
        });
    }

    private IResult OpenAiUsage(HttpContext http)
    {
        var q = http.Request.Query;
        var (days, next) = Page(UnixDay(q["start_time"]), UnixDay(q["end_time"]), q["page"].FirstOrDefault());
        return Results.Json(new
        {
            @object = "page",
            data = days.Select(d => new
            {
                @object = "bucket", start_time = Unix(d), end_time = Unix(d.AddDays(1)),
                results = Of("openai").Where(l => l.Day == d).Select(l => new
                {
                    @object = "organization.usage.completions.result", input_tokens = l.InputTokens, output_tokens = l.OutputTokens, input_cached_tokens = 0,
                    input_audio_tokens = 0, output_audio_tokens = 0, num_model_requests = l.Requests, project_id = (string?)null, user_id = (string?)null,
                    api_key_id = (string?)null, model = l.Model, batch = (bool?)null,
                }),
            }),
            has_more = next is not null, next_page = next,
        });
    }

    private static DateOnly Rfc3339Day(string? text) => DateOnly.FromDateTime(DateTimeOffset.Parse(text!, CultureInfo.InvariantCulture).UtcDateTime);

    private static string Rfc3339(DateOnly day) => day.ToString("yyyy-MM-dd'T00:00:00Z'", CultureInfo.InvariantCulture);

    private IResult AnthropicCosts(HttpContext http)
    {
        var q = http.Request.Query;
        var (days, next) = Page(Rfc3339Day(q["starting_at"]), Rfc3339Day(q["ending_at"]), q["page"].FirstOrDefault());
        return Results.Json(new
        {
            data = days.Select(d => new
            {
                starting_at = Rfc3339(d), ending_at = Rfc3339(d.AddDays(1)),
                results = Of("anthropic").Where(l => l.Day == d)
                    .SelectMany(l => new[] { ("uncached_input_tokens", InputShare(l.CostUsd), l), ("output_tokens", l.CostUsd - InputShare(l.CostUsd), l) })
                    .Select(item => new
                    {
                        currency = "USD", amount = (item.Item2 * 100).ToString(CultureInfo.InvariantCulture), workspace_id = (string?)null,
                        description = $"{item.l.Model} Usage - {item.Item1}", cost_type = "tokens", context_window = "0-200k", model = item.l.Model,
                        service_tier = "standard", token_type = item.Item1,
                    }),
            }),
            has_more = next is not null, next_page = next,
        });
    }

    private IResult AnthropicUsage(HttpContext http)
    {
        var q = http.Request.Query;
        var (days, next) = Page(Rfc3339Day(q["starting_at"]), Rfc3339Day(q["ending_at"]), q["page"].FirstOrDefault());
        return Results.Json(new
        {
            data = days.Select(d => new
            {
                starting_at = Rfc3339(d), ending_at = Rfc3339(d.AddDays(1)),
                results = Of("anthropic").Where(l => l.Day == d).Select(l => new
                {
                    uncached_input_tokens = l.InputTokens, cache_creation = new { ephemeral_1h_input_tokens = 0, ephemeral_5m_input_tokens = 0 }, cache_read_input_tokens = 0,
                    output_tokens = l.OutputTokens, server_tool_use = new { web_search_requests = 0 }, api_key_id = (string?)null, workspace_id = (string?)null,
                    model = l.Model, service_tier = "standard", context_window = "0-200k",
                }),
            }),
            has_more = next is not null, next_page = next,
        });
    }

    private IResult LangfuseDaily(HttpContext http)
    {
        var q = http.Request.Query;
        var page = int.Parse(q["page"].FirstOrDefault() ?? "1", CultureInfo.InvariantCulture);
        var from = Rfc3339Day(q["fromTimestamp"]);
        var to = Rfc3339Day(q["toTimestamp"]);
        // Newest day first, and only days with traces, as Langfuse answers.
        var days = Of("langfuse").Select(l => l.Day).Where(d => d >= from && d < to).Distinct().OrderDescending().ToList();
        var shown = days.Skip((page - 1) * PageSize).Take(PageSize);
        return Results.Json(new
        {
            data = shown.Select(d => new
            {
                date = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                countTraces = 10, countObservations = 20,
                totalCost = Of("langfuse").Where(l => l.Day == d).Sum(l => l.CostUsd),
                usage = Of("langfuse").Where(l => l.Day == d).Select(l => new
                {
                    model = l.Model, inputUsage = l.InputTokens, outputUsage = l.OutputTokens, totalUsage = l.InputTokens + l.OutputTokens,
                    countTraces = 5, countObservations = l.Requests, totalCost = l.CostUsd,
                }),
            }),
            meta = new { page, limit = PageSize, totalItems = days.Count, totalPages = (days.Count + PageSize - 1) / PageSize },
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { PropertyNamingPolicy = null });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
