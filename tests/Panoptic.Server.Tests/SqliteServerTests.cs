using System.Net.Http.Json;

namespace Panoptic.Server.Tests;

public sealed class SqliteServerTests : ServerContractTests
{
    protected override Task<string?> DatabaseAsync() => Task.FromResult<string?>(null);
}

public sealed class SqliteGatewayOutageTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "panoptic-outage-" + Guid.NewGuid().ToString("N"));
    private Panoptic.TestUtilities.RunningServer _server = null!;

    public async Task InitializeAsync() => _server = await Panoptic.TestUtilities.RunningServer.StartAsync(null, _data);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task AStoreThatCannotAnswer_IsA503InOpenAIsShape_AndTheGatewayStaysUp()
    {
        // The gateway keys' table disappears under the running server (a failed migration, a restore gone wrong).
        await using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_data, "panoptic.db")}"))
        {
            await sqlite.OpenAsync();
            await using var rename = sqlite.CreateCommand();
            rename.CommandText = "ALTER TABLE gateway_keys RENAME TO gateway_keys_gone";
            await rename.ExecuteNonQueryAsync();
        }
        using var http = _server.Client("pan_gk_anything");
        var response = await http.PostAsync("/v1/chat/completions", new StringContent("""{"model":"gpt-4o-mini","messages":[]}""", System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(5));
        var error = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("service_unavailable");
        (await http.GetAsync("/healthz")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }
}
