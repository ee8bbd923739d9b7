using Panoptic.Server.Gateway;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Gateway;

public sealed class CircuitBreakerTests
{
    [Fact]
    public void FiveFailuresInARow_OpenTheCircuitForThirtySeconds_AndASuccessClosesIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var breakers = new CircuitBreakers(time);
        for (var i = 0; i < 4; i++) breakers.Failed("pk_a", time.GetUtcNow());
        breakers.IsOpen("pk_a").ShouldBeFalse();
        breakers.Succeeded("pk_a");
        for (var i = 0; i < 4; i++) breakers.Failed("pk_a", time.GetUtcNow());
        breakers.IsOpen("pk_a").ShouldBeFalse("a success in between starts the count again");
        breakers.Failed("pk_a", time.GetUtcNow());
        breakers.IsOpen("pk_a").ShouldBeTrue();
        breakers.IsOpen("pk_b").ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(29));
        breakers.IsOpen("pk_a").ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(2));
        breakers.IsOpen("pk_a").ShouldBeFalse("half-open: the next request may try it");
        breakers.Failed("pk_a", time.GetUtcNow());
        breakers.IsOpen("pk_a").ShouldBeTrue("a failure while half-open opens it again");
        breakers.Succeeded("pk_a");
        breakers.IsOpen("pk_a").ShouldBeFalse();
    }
}
