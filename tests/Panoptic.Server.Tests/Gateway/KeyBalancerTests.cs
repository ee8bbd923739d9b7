using Microsoft.Extensions.Options;
using Panoptic.Server.Gateway;
using Panoptic.Storage.Gateway;
using Panoptic.TestUtilities;

namespace Panoptic.Server.Tests.Gateway;

public sealed class KeyBalancerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static ProviderKey Key(string id, int weight) => new("ws", id, id, "openai", "https://api.openai.com/v1", ["gpt-*"], "secret", "hint", Noon) { Weight = weight };

    private static KeyBalancer Balancer(FakeTimeProvider time, Balancing balancing = Balancing.Weighted, int seed = 7) =>
        new(time, new Random(seed), Options.Create(new ServerOptions { GatewayBalancing = balancing }));

    [Fact]
    public void Order_Weighted_PutsEachKeyFirstInProportionToItsWeight_AndKeepsTheOthersAsFallbacks()
    {
        var balancer = Balancer(new FakeTimeProvider(Noon));
        ProviderKey[] pool = [Key("a", 6), Key("b", 3), Key("c", 1)];
        var first = new Dictionary<string, int>();
        for (var i = 0; i < 10_000; i++)
        {
            var order = balancer.Order(pool);
            order.Select(k => k.Id).Order(StringComparer.Ordinal).ShouldBe(["a", "b", "c"]);
            first[order[0].Id] = first.GetValueOrDefault(order[0].Id) + 1;
        }
        first["a"].ShouldBeInRange(5_800, 6_200);
        first["b"].ShouldBeInRange(2_800, 3_200);
        first["c"].ShouldBeInRange(850, 1_150);
    }

    [Fact]
    public void Order_LeastInFlight_PutsTheIdlestFirst_WhateverTheWeights()
    {
        var balancer = Balancer(new FakeTimeProvider(Noon), Balancing.LeastInFlight);
        ProviderKey[] pool = [Key("a", 1000), Key("b", 1)];
        using (balancer.Enter("a"))
        {
            balancer.InFlight("a").ShouldBe(1);
            for (var i = 0; i < 50; i++) balancer.Order(pool)[0].Id.ShouldBe("b");
        }
        balancer.InFlight("a").ShouldBe(0);
    }

    [Fact]
    public void CoolDown_LastsForRetryAfterOrTheDefault_AndAnAnswerEndsIt()
    {
        var time = new FakeTimeProvider(Noon);
        var balancer = Balancer(time);
        balancer.CoolDown("a", TimeSpan.FromSeconds(2)).ShouldBe(TimeSpan.FromSeconds(2));
        balancer.CoolDown("b", null).ShouldBe(TimeSpan.FromSeconds(30), "GatewayCoolDown's default");
        balancer.CoolDown("c", TimeSpan.FromDays(1)).ShouldBe(TimeSpan.FromHours(1), "at most an hour");
        balancer.CoolingUntil("a").ShouldBe(Noon.AddSeconds(2));
        time.Advance(TimeSpan.FromSeconds(2));
        balancer.CoolingUntil("a").ShouldBeNull();
        balancer.CoolingUntil("b").ShouldNotBeNull();
        balancer.Served("b");
        balancer.CoolingUntil("b").ShouldBeNull();
    }

    [Fact]
    public void Backoff_IsFullJitter_BelowTheDoublingCeiling_AndTheCap()
    {
        var balancer = Balancer(new FakeTimeProvider(Noon));
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var ceiling = Math.Min(250 * Math.Pow(2, attempt), 10_000);
            var waits = Enumerable.Range(0, 200).Select(_ => balancer.Backoff(attempt).TotalMilliseconds).ToList();
            waits.ShouldAllBe(w => w >= 0 && w <= ceiling);
            waits.Max().ShouldBeGreaterThan(ceiling * 0.8, "spread over the whole range");
            waits.Min().ShouldBeLessThan(ceiling * 0.2);
        }
    }
}
