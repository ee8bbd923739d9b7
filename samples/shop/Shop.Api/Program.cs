using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

// The shop API: products and orders in one SQLite database. Traces go to the OTLP endpoint in the standard
// OTEL_EXPORTER_OTLP_* environment variables (samples/shop/run.sh points them at `panoptic serve`). ASP.NET Core
// reports each request as an activity of its own source ("Microsoft.AspNetCore"), with the semantic conventions'
// attributes, so the OpenTelemetry SDK and its OTLP exporter are all the sample needs.
var database = new ActivitySource("Shop.Api.Database");
using var tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("shop-api"))
    .AddSource("Microsoft.AspNetCore", database.Name)
    .AddOtlpExporter()
    .Build();
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
var connectionString = $"Data Source={Path.Combine(Path.GetTempPath(), "panoptic-sample-shop.db")}";
await Db("CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, product TEXT NOT NULL, status TEXT NOT NULL)", _ => Task.FromResult(0));

string[] products = ["keyboard", "mouse", "monitor", "desk"];
app.MapGet("/products", () => products);
app.MapPost("/orders", async (OrderRequest order) =>
{
    if (string.IsNullOrWhiteSpace(order.Product)) return Results.BadRequest(new { error = "product is required" });
    var id = await Db("INSERT INTO orders (product, status) VALUES ($p, 'pending') RETURNING id", c => c.Parameters.AddWithValue("$p", order.Product));
    return Results.Created($"/orders/{id}", new { id, order.Product, status = "pending" });
});
app.MapGet("/orders/pending", async () => await Db("SELECT COUNT(*) FROM orders WHERE status = 'pending'", _ => Task.FromResult(0)));
app.MapPost("/orders/{id:long}/fulfil", async (long id) =>
{
    // One order in ten is out of stock: the span is an error, and the graph's edge counts it as failed.
    if (id % 10 == 0) return Results.Conflict(new { error = "out of stock" });
    await Db("UPDATE orders SET status = 'fulfilled' WHERE id = $id", c => c.Parameters.AddWithValue("$id", id));
    return Results.Ok(new { id, status = "fulfilled" });
});
app.Run();

// Each query is a client span with the database's semantic-convention attributes, as instrumented data libraries emit.
async Task<long> Db(string sql, Func<SqliteCommand, object> bind)
{
    using var span = database.StartActivity(sql.Split(' ')[0], ActivityKind.Client);
    span?.SetTag("db.system.name", "sqlite");
    span?.SetTag("db.query.text", sql);
    await using var connection = new SqliteConnection(connectionString);
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = sql;
    bind(command);
    return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
}

internal sealed record OrderRequest(string? Product);
