using Panoptic.Storage.Ledger;

namespace Panoptic.Storage.Tests;

public sealed class GroupCommitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task AFailingBatch_FailsOnlyItsOwnCaller()
    {
        // The write fails any group that holds the poisoned batch, as a database error would fail the transaction.
        var release = new TaskCompletionSource();
        var groups = new List<int>();
        await using var commit = new GroupCommit(async group =>
        {
            await release.Task;
            lock (groups) groups.Add(group.Count);
            if (group.Any(a => a.WorkspaceId == "poison")) throw new InvalidOperationException("constraint failed");
            return [.. group.Select(a => a.Events.Count)];
        }, writers: 1);
        var first = commit.AppendAsync("w1", Events(1), Now, CancellationToken.None);
        var poisoned = commit.AppendAsync("poison", Events(2), Now, CancellationToken.None);
        var last = commit.AppendAsync("w1", Events(3), Now, CancellationToken.None);
        release.SetResult();
        (await first).ShouldBe(1);
        (await Should.ThrowAsync<InvalidOperationException>(poisoned)).Message.ShouldBe("constraint failed");
        (await last).ShouldBe(3);
        groups.ShouldContain(n => n > 1, "the appends waiting together were written as one group first");
    }

    [Fact]
    public async Task ACallerThatGivesUp_StopsWaiting_AndTheOthersStillCommit()
    {
        var release = new TaskCompletionSource();
        var written = 0;
        await using var commit = new GroupCommit(async group =>
        {
            await release.Task;
            Interlocked.Add(ref written, group.Count);
            return [.. group.Select(a => a.Events.Count)];
        }, writers: 1);
        using var cancel = new CancellationTokenSource();
        var abandoned = commit.AppendAsync("w1", Events(1), Now, cancel.Token);
        var kept = commit.AppendAsync("w1", Events(2), Now, CancellationToken.None);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(abandoned);
        release.SetResult();
        (await kept).ShouldBe(2);
    }

    private static List<LedgerEvent> Events(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new LedgerEvent { Id = $"e{i}", Timestamp = Now, Provider = "openai", CostSource = CostSource.Caller, CostNanos = 1 })];
}
