namespace Panoptic.Live;

/// <summary>One email provider's DKIM selectors (Data/dkim-selectors.yaml); none when the provider generates them per account.</summary>
public sealed record DkimProvider(string Id, string Name, IReadOnlyList<string> Selectors, string? Note);
