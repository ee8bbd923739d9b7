using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Panoptic.Server.Accounts;
using Panoptic.Server.Costs;
using Panoptic.Storage;

namespace Panoptic.Server.Dashboard;

/// <summary>The dashboard's pages (Razor components rendered on the server), its stylesheet, log-out and CSV export.</summary>
internal static class DashboardEndpoints
{
    private static readonly Lazy<string> Css = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Panoptic.Server.Dashboard.dashboard.css")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static void MapDashboard(this WebApplication app)
    {
        app.MapGet("/dashboard.css", () => Results.Text(Css.Value, "text/css")).ExcludeFromDescription();
        app.MapPost("/logout", LogOutAsync).ExcludeFromDescription();
        app.MapGet("/w/{workspaceId}/costs.csv", CsvAsync).ExcludeFromDescription();
        app.MapRazorComponents<App>();
    }

    /// <summary>POST /logout from the dashboard's form (its antiforgery token checked): ends the session and clears the cookie.</summary>
    private static async Task<IResult> LogOutAsync([FromForm] string? __RequestVerificationToken, HttpContext http, PanopticStore store)
    {
        if (http.Request.Cookies[PanopticAuthentication.CookieName] is { } token) await store.DeleteSessionAsync(Secrets.Hash(token), http.RequestAborted);
        http.Response.Cookies.Delete(PanopticAuthentication.CookieName, new CookieOptions { Path = "/" });
        return Results.Redirect("/login");
    }

    /// <summary>
    /// The Costs page's view as CSV, from the same query and with the same numbers as GET /api/v1/costs: every consumer
    /// over the range (unless top= asks for fewer) with events, cost and share; with interval=, one row per period and
    /// consumer instead.
    /// </summary>
    private static async Task<IResult> CsvAsync(string workspaceId, HttpContext http, PanopticStore store, TimeProvider time)
    {
        var session = await DashboardSession.LoadAsync(http, workspaceId);
        if (session.User is null) return Results.Redirect("/login");
        if (session.Workspace is null) return Results.NotFound();
        var request = CostRequest.Parse(http.Request.Query, time.GetUtcNow());
        if (request.Error is { } error) return Results.BadRequest(error);
        var query = request.Query! with { WorkspaceId = workspaceId };
        var top = http.Request.Query.ContainsKey("top") ? request.Top : int.MaxValue;
        var report = CostReport.Of(query, request.Interval, top, await store.QueryCostsAsync(query, request.Table!, http.RequestAborted));
        var csv = new StringBuilder();
        void Keys(IReadOnlyDictionary<string, string> key)
        {
            foreach (var dimension in report.GroupBy) csv.Append(Cell(key.GetValueOrDefault(dimension, ""))).Append(',');
        }
        if (report.Interval is null)
        {
            csv.Append(string.Join(",", report.GroupBy.Select(Cell).Append("events").Append("cost_usd").Append("share"))).Append('\n');
            foreach (var row in report.Top)
            {
                Keys(row.Key);
                csv.Append(CultureInfo.InvariantCulture, $"{row.Events},{row.CostUsd},{row.Share.ToString("0.######", CultureInfo.InvariantCulture)}\n");
            }
        }
        else
        {
            csv.Append(string.Join(",", report.GroupBy.Select(Cell).Prepend("start").Append("events").Append("cost_usd"))).Append('\n');
            foreach (var point in report.Series)
            {
                csv.Append(point.Start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',');
                Keys(point.Key);
                csv.Append(CultureInfo.InvariantCulture, $"{point.Events},{point.CostUsd}\n");
            }
        }
        var name = report.Interval is null ? "costs" : $"costs-per-{report.Interval}";
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"{name}-{report.From:yyyy-MM-dd}-{report.To:yyyy-MM-dd}.csv");
    }

    /// <summary>A CSV cell: quoted when needed, and a leading =, +, - or @ neutralised so a spreadsheet does not run it as a formula.</summary>
    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
