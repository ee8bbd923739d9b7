namespace Panoptic.Sdk.Tests.Support;

/// <summary>Tests that Init the SDK share its one static tracker, so they never run at the same time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SdkTests
{
    public const string Name = "PanopticSdk";
}
