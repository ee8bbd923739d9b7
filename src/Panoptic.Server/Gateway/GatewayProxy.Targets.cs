using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Panoptic.Storage.Gateway;

namespace Panoptic.Server.Gateway;

/// <summary>
/// The gateway's routing: the targets a model can be served by (aliases, pools of provider keys, the Anthropic adapter).
/// </summary>
internal sealed partial class GatewayProxy
{
    /// <summary>A chat completion being served by Anthropic: when it was created, and whether the client asked for a usage chunk.</summary>
    private sealed record AnthropicChat(long Created, bool IncludeUsage);

    /// <summary>
    /// One way to serve the request: a provider key, the model to ask it for, the body as that provider takes it, the
    /// path, the adapter when Anthropic serves a chat completion, and whose prices apply.
    /// </summary>
    private sealed record Target(ProviderKey Provider, string Model, byte[] Body, string Path, AnthropicChat? Adapter, Pricing Pricing);

    /// <summary>
    /// The targets for the models a request may be served by, in order (an alias's models, or the model itself), each
    /// served by the pool of provider keys that match it, in the balancer's order. A target the endpoint cannot use (a Claude model on
    /// /v1/embeddings) is left out and explained if nothing else is left.
    /// </summary>
    private async Task<(List<Target> Targets, string? Problem)> TargetsAsync(string workspaceId, IReadOnlyList<string> candidates, JsonObject request, string path, bool stream,
        CancellationToken cancellationToken)
    {
        var providers = await store.ProviderKeysAsync(workspaceId, cancellationToken);
        var card = await rates.ForAsync(workspaceId, cancellationToken);
        var targets = new List<Target>();
        string? problem = null;
        foreach (var candidate in candidates)
        {
            var pool = ModelRouting.Pool(providers, candidate);
            if (pool.Count == 0) continue;
            var provider = pool[0];
            var anthropicApi = path == "messages";
            var viaAdapter = path == "chat/completions" && provider.Provider == "anthropic";
            if (anthropicApi != (provider.Provider == "anthropic") && !viaAdapter)
            {
                problem ??= anthropicApi
                    ? $"the model '{candidate}' is not served by an Anthropic provider key; call /v1/chat/completions for it"
                    : $"the model '{candidate}' is served by an Anthropic provider key, and Anthropic has no {path} endpoint";
                continue;
            }
            var body = (JsonObject)request.DeepClone();
            body["model"] = candidate;
            AnthropicChat? adapter = null;
            if (viaAdapter)
            {
                // Chat completions for a Claude model go through the adapter to the Messages API.
                var includeUsage = body["stream_options"]?["include_usage"] is JsonValue iu && iu.TryGetValue<bool>(out var wants) && wants;
                try
                {
                    body = AnthropicAdapter.ToMessages(body);
                }
                catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
                {
                    problem ??= "this request cannot be sent to Anthropic: " + e.Message;
                    continue;
                }
                adapter = new AnthropicChat(time.GetUtcNow().ToUnixTimeSeconds(), includeUsage);
            }
            else if (stream && !anthropicApi)
            {
                // Usage is always asked for, so a stream is priced exactly (clients that did not ask see one more chunk, as from OpenAI with the option set).
                var streamOptions = body["stream_options"] as JsonObject ?? new JsonObject();
                streamOptions["include_usage"] = true;
                body["stream_options"] = streamOptions;
            }
            // The pool's keys share a provider and a base URL, so one body and one price serve them all.
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            var pricing = new Pricing(card, PricingProvider(provider));
            foreach (var member in balancer.Order(pool)) targets.Add(new Target(member, candidate, bytes, adapter is null ? path : "messages", adapter, pricing));
        }
        return (targets, problem);
    }
}
