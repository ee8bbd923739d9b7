using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Panoptic.TestUtilities;

/// <summary>What every new user of a Panoptic server does first, over its HTTP API: sign up, log in, create a workspace and an ingestion key.</summary>
public static class Onboarding
{
    public const string Password = "correct horse battery";

    /// <summary>A signed-up user's session token, workspace and ingestion key.</summary>
    public sealed record Tenant(string Token, string WorkspaceId, string KeyId, string Key);

    public static async Task<Tenant> OnboardAsync(Uri server, string email, string workspace = "Acme")
    {
        using var http = new HttpClient { BaseAddress = server };
        (await http.PostAsJsonAsync("/api/v1/auth/signup", new { email, password = Password })).EnsureSuccessStatusCode();
        var login = await (await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var token = login.GetProperty("token").GetString()!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await (await http.PostAsJsonAsync("/api/v1/workspaces", new { name = workspace })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var workspaceId = created.GetProperty("id").GetString()!;
        http.DefaultRequestHeaders.Add("Panoptic-Workspace", workspaceId);
        var key = await (await http.PostAsJsonAsync("/api/v1/keys", new { name = "backend" })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        return new Tenant(token, workspaceId, key.GetProperty("id").GetString()!, key.GetProperty("key").GetString()!);
    }
}
