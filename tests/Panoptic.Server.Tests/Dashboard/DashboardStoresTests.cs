using System.Net;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Dashboard;

/// <summary>
/// Every dashboard page answers a signed-in member on both stores. PostgreSQL answers asynchronously, so the layout and
/// the page ask for the session at once and the renderer draws a page before it has read its data: a session read
/// twice came back empty half the time (a redirect to the login page) and a half-loaded page threw (a 500).
/// </summary>
public sealed class DashboardStoresTests
{
    private static readonly string[] Pages = ["", "/costs", "/connections", "/readiness", "/graph", "/gateway", "/account"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task EveryPage_ForASignedInMember_AnswersOkOnEveryRequest(bool postgres)
    {
        await using var schema = postgres ? await PostgresSchema.CreateAsync() : null;
        var data = Path.Combine(Path.GetTempPath(), "panoptic-stores-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await RunningServer.StartAsync(schema?.ConnectionString, data, new FakeTimeProvider(DateTimeOffset.UtcNow));
            var alice = await server.OnboardAsync("alice@example.com", "Shop");
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
            using var http = new HttpClient(handler) { BaseAddress = server.Address };
            // Each page several times: the race lost about half the requests.
            foreach (var path in Pages.Select(p => $"/w/{alice.WorkspaceId}{p}").Append("/").SelectMany(p => Enumerable.Repeat(p, 4)))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add("Cookie", $"panoptic_session={alice.Token}");
                using var response = await http.SendAsync(request);
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {response.Headers.Location}");
                (await response.Content.ReadAsStringAsync()).ShouldContain("Shop", customMessage: path);
            }
            server.Logs.ShouldNotContain("Exception");
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
