using Panoptic.Storage.CostSources;

namespace Panoptic.Server.CostSources;

/// <summary>What a connector reads with: the source's base URL, its decrypted key (and Langfuse's public key), and the UTC days [From, To).</summary>
internal sealed record ConnectorRequest(string BaseUrl, string Secret, string? PublicKey, DateOnly From, DateOnly To);

/// <summary>
/// Reads billed cost per day (per model where the provider says so) from one kind of source, a page at a time: each
/// batch holds whole days, which the importer stores as they come, so a failure half-way keeps every earlier batch.
/// </summary>
internal interface ICostConnector
{
    string Kind { get; }

    IAsyncEnumerable<BilledBatch> ReadAsync(ConnectorRequest request, CancellationToken cancellationToken);
}
