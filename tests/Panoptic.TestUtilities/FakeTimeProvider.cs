namespace Panoptic.TestUtilities;

/// <summary>
/// A clock that says what the test tells it to. With <see cref="ManualTimers"/> its one-shot timers (a Task.Delay given
/// this clock) fire when <see cref="Advance"/> reaches them instead of in real time, so a wait is tested without
/// sleeping; periodic timers, and every timer without it, run on the real clock.
/// </summary>
public sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];

    public DateTimeOffset Now { get; set; } = now;

    public bool ManualTimers { get; init; }

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>When each pending one-shot timer (a Task.Delay) is due.</summary>
    public IReadOnlyList<DateTimeOffset> Deadlines
    {
        get { lock (_timers) return [.. _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value)]; }
    }

    /// <summary>Waits (in real time, up to ten seconds) until a one-shot timer is pending, and returns the earliest deadline.</summary>
    public async Task<DateTimeOffset> NextDeadlineAsync()
    {
        for (var i = 0; i < 1000; i++)
        {
            if (Deadlines is { Count: > 0 } deadlines) return deadlines.Min();
            await Task.Delay(10);
        }
        throw new TimeoutException("no timer was started on the fake clock");
    }

    public void Advance(TimeSpan by)
    {
        Now += by;
        List<ManualTimer> due;
        lock (_timers) due = [.. _timers.Where(t => t.Due <= Now)];
        foreach (var timer in due) timer.Fire(Now);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Periodic timers (Kestrel's heartbeat, the background services) keep real time: only one-shot waits are the test's.
        if (!ManualTimers || period != Timeout.InfiniteTimeSpan) return base.CreateTimer(callback, state, dueTime, period);
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(FakeTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._timers)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.Now + dueTime;
                if (Due is not null && !clock._timers.Contains(this)) clock._timers.Add(this);
            }
            if (dueTime == TimeSpan.Zero) Fire(clock.Now);
            return true;
        }

        public void Fire(DateTimeOffset now)
        {
            lock (clock._timers)
            {
                if (Due is null || Due > now) return;
                Due = null;
                clock._timers.Remove(this);
            }
            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        public void Dispose()
        {
            lock (clock._timers)
            {
                Due = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
