namespace Panoptic.Storage.Live;

/// <summary>A workspace's live checks: what to check, how often, with which resolver, and when they run next.</summary>
public sealed record LiveCheckSettings(string WorkspaceId, IReadOnlyList<string> Targets, TimeSpan Interval, string? Resolver, DateTimeOffset UpdatedAt,
    DateTimeOffset NextRunAt, DateTimeOffset? LastRunAt);

/// <summary>One stored live result of one run.</summary>
public sealed record StoredLiveResult(string RunId, DateTimeOffset CheckedAt, string Target, string Check, string Status, string Message, string? Readiness);
