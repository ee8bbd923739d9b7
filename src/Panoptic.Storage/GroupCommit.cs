using System.Threading.Channels;
using Panoptic.Storage.Ledger;

namespace Panoptic.Storage;

/// <summary>
/// Group commit for ledger appends: concurrent batches wait in a queue, and a writer takes everything waiting (up to a
/// cap) into one transaction, so many requests share one commit — one fsync, one lock acquisition — instead of each
/// queueing for the database's write lock. A caller's task completes only after the transaction holding its batch
/// has committed, so the durability promise of one transaction per batch is kept.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>A group stops growing past this many events, bounding one transaction's length.</summary>
    public const int MaxGroupEvents = 16_000;

    private readonly Channel<Append> _queue = Channel.CreateUnbounded<Append>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Func<IReadOnlyList<Append>, Task<int[]>> _write;
    private readonly Task[] _writers;

    /// <param name="write">Writes a group in one transaction and returns how many events of each append were new.</param>
    /// <param name="writers">How many groups may be written at once (1 for a single-writer database).</param>
    public GroupCommit(Func<IReadOnlyList<Append>, Task<int[]>> write, int writers)
    {
        _write = write;
        _writers = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    public async Task<int> AppendAsync(string workspaceId, IReadOnlyList<LedgerEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var append = new Append(workspaceId, events, receivedAt);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(append), this);
        // A caller that gives up stops waiting; its batch may still commit (ingestion is idempotent, so a retry is safe).
        return await append.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<Append>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            var events = 0;
            while (events < MaxGroupEvents && _queue.Reader.TryRead(out var append))
            {
                group.Add(append);
                events += append.Events.Count;
            }
            if (group.Count > 0) await WriteAsync(group);
        }
    }

    private async Task WriteAsync(List<Append> group)
    {
        try
        {
            var inserted = await _write(group);
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(inserted[i]);
        }
        catch (Exception) when (group.Count > 1)
        {
            // Something in the group failed the transaction: write each alone, so the failure reaches only its caller.
            foreach (var append in group) await WriteAsync([append]);
        }
        catch (Exception e)
        {
            group[0].Done.TrySetException(e);
        }
    }

    /// <summary>Stops taking appends and waits until every queued one is committed (graceful shutdown flushes).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    internal sealed record Append(string WorkspaceId, IReadOnlyList<LedgerEvent> Events, DateTimeOffset ReceivedAt)
    {
        public TaskCompletionSource<int> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
