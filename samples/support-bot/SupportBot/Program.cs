// A support bot that answers customers' questions with an LLM, with Panoptic's three lines of set-up (marked below):
// every OpenAI call is recorded with its tokens and cost, attributed to the tenant and user of the request.
using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;
using Panoptic.Sdk;
using Panoptic.Sdk.AspNetCore;
using Panoptic.Sdk.Context;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPanoptic(builder.Configuration);                     // 1. Panoptic:Endpoint and Panoptic:ApiKey
builder.Services.AddHttpClient("openai").AddPanopticTracking();          // 2. OpenAI calls recorded and priced
var app = builder.Build();
app.UsePanoptic(http => new ContextValues                                // 3. who each request is for
{
    TenantId = http.Request.Headers["X-Tenant"].FirstOrDefault(),
    UserId = http.Request.Headers["X-User"].FirstOrDefault(),
    Feature = "support-answer",
});

app.MapPost("/ask", async (Question question, IHttpClientFactory clients, IConfiguration config) =>
{
    var options = new OpenAIClientOptions { Transport = new HttpClientPipelineTransport(clients.CreateClient("openai")) };
    if (config["OpenAI:BaseUrl"] is { Length: > 0 } baseUrl) options.Endpoint = new Uri(baseUrl);
    var chat = new ChatClient(config["OpenAI:Model"] ?? "gpt-4o-mini", new ApiKeyCredential(config["OpenAI:ApiKey"] ?? "missing"), options);
    var answer = await chat.CompleteChatAsync([new SystemChatMessage("You answer support questions briefly."), new UserChatMessage(question.Text)]);
    return Results.Ok(new { answer = answer.Value.Content[0].Text });
});

app.MapGet("/", () => "POST /ask {\"text\":\"...\"} with X-Tenant and X-User headers");
app.Run();

internal sealed record Question(string Text);
