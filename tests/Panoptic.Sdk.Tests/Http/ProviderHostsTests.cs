using Panoptic.Sdk.Http;

namespace Panoptic.Sdk.Tests.Http;

public sealed class ProviderHostsTests
{
    [Theory]
    [InlineData("https://api.openai.com/v1/chat/completions", "openai", true)]
    [InlineData("https://API.Anthropic.com/v1/messages", "anthropic", true)]
    [InlineData("https://my-resource.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21", "azure_openai", true)]
    [InlineData("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", "gemini", true)]
    [InlineData("https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/gemini-2.0-flash:generateContent", "vertex_ai", true)]
    [InlineData("https://api.groq.com/openai/v1/chat/completions", "groq", true)]
    [InlineData("https://openrouter.ai/api/v1/chat/completions", "openrouter", true)]
    [InlineData("https://api.mistral.ai/v1/chat/completions", "mistral", true)]
    [InlineData("https://api.stripe.com/v1/customers/cus_Q1w2E3r4", "stripe", false)]
    [InlineData("https://api.resend.com/emails", "resend", false)]
    [InlineData("https://api.sendgrid.com/v3/mail/send", "sendgrid", false)]
    [InlineData("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json", "twilio", false)]
    [InlineData("https://my-bucket.s3.eu-west-1.amazonaws.com/a/b.png", "s3", false)]
    [InlineData("https://s3.amazonaws.com/my-bucket/key", "s3", false)]
    [InlineData("https://acct.r2.cloudflarestorage.com/bucket/key", "r2", false)]
    public void KnownHosts_AreRecognised(string url, string provider, bool llm) =>
        new ProviderHosts().Match(new Uri(url)).ShouldBe(new ProviderMatch(provider, llm));

    [Theory]
    [InlineData("https://example.com/v1/chat/completions")]
    [InlineData("https://api.openai.com.evil.example/v1/chat/completions")]
    [InlineData("https://dynamodb.us-east-1.amazonaws.com/")]
    [InlineData("http://localhost:5000/orders")]
    public void OtherHosts_AreNotProviders(string url) => new ProviderHosts().Match(new Uri(url)).ShouldBeNull();

    [Fact]
    public void ConfiguredHosts_WinAndMayNameAPort()
    {
        var hosts = new ProviderHosts(new Dictionary<string, string> { ["llm-proxy.internal:8443"] = "openai", ["mail.internal"] = "postmark" });
        hosts.Match(new Uri("https://llm-proxy.internal:8443/v1/chat/completions")).ShouldBe(new ProviderMatch("openai", true));
        hosts.Match(new Uri("https://llm-proxy.internal:9000/v1/chat/completions")).ShouldBeNull();
        hosts.Match(new Uri("https://mail.internal/email")).ShouldBe(new ProviderMatch("postmark", false));
    }

    [Theory]
    [InlineData("POST", "https://api.openai.com/v1/chat/completions", "POST /v1/chat/completions")]
    [InlineData("GET", "https://api.stripe.com/v1/customers/cus_Q1w2E3r4?expand=x", "GET /v1/customers/{id}")]
    [InlineData("POST", "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json", "POST /{id}/Accounts/{id}/Messages.json")]
    [InlineData("POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", "POST /v1beta/models/{id}:generateContent")]
    [InlineData("GET", "https://api.resend.com/", "GET /")]
    public void Routes_GroupIdsTogether(string method, string url, string route) =>
        PanopticHttpHandler.Route(new HttpMethod(method), new Uri(url)).ShouldBe(route);
}
