using System.Diagnostics;

namespace Panoptic.Sdk.Context;

/// <summary>
/// The ambient cost-attribution context: it flows through async code like <see cref="Activity.Current"/> does (an
/// <see cref="AsyncLocal{T}"/>), so tenant, user and feature reach every tracked operation without being passed
/// down. <c>using (PanopticContext.Begin(new() { TenantId = "acme" })) { ... }</c> sets values for a block; scopes nest,
/// the inner one winning per field. Each scope also tags the current <see cref="Activity"/> (panoptic.tenant_id, ...)
/// and adds its values to the activity's W3C baggage, so they travel with outgoing HTTP calls; <see cref="FromBaggage"/>
/// reads them back on the receiving side.
/// </summary>
public static class PanopticContext
{
    /// <summary>Baggage keys, shared with the server's reading of span attributes (docs/traces.md).</summary>
    public const string TenantKey = "tenant_id", UserKey = "user_id", PlanKey = "plan", FeatureKey = "feature", RequestKey = "request_id";

    // The one static that holds state, as Activity.Current does: an AsyncLocal is the mechanism of an ambient context.
    private static readonly AsyncLocal<ContextValues?> Ambient = new();

    /// <summary>The values in force here (empty outside any scope).</summary>
    public static ContextValues Current => Ambient.Value ?? ContextValues.Empty;

    /// <summary>Begins a scope with <paramref name="values"/> on top of the current ones; disposing it restores the outer values.</summary>
    public static IDisposable Begin(ContextValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var outer = Ambient.Value;
        var merged = (outer ?? ContextValues.Empty).With(values);
        Ambient.Value = merged;
        if (Activity.Current is { } activity) Annotate(activity, values);
        return new Scope(outer, merged);
    }

    /// <summary>The context values carried by W3C baggage entries (for example an incoming request's <c>baggage</c> header).</summary>
    public static ContextValues FromBaggage(IEnumerable<KeyValuePair<string, string?>> baggage)
    {
        ArgumentNullException.ThrowIfNull(baggage);
        string? tenant = null, user = null, plan = null, feature = null, request = null;
        foreach (var (key, value) in baggage)
        {
            switch (key)
            {
                case TenantKey: tenant ??= value; break;
                case UserKey: user ??= value; break;
                case PlanKey: plan ??= value; break;
                case FeatureKey: feature ??= value; break;
                case RequestKey: request ??= value; break;
            }
        }
        return new ContextValues { TenantId = tenant, UserId = user, Plan = plan, Feature = feature, RequestId = request };
    }

    /// <summary>
    /// The context values in a W3C <c>baggage</c> header (<c>tenant_id=acme,user_id=ann</c>): entries are split on
    /// commas, optional whitespace around keys and values is dropped, properties after <c>;</c> are ignored and values
    /// are percent-decoded (an invalid escape is kept as written). An entry without a key is skipped.
    /// </summary>
    public static ContextValues FromBaggageHeader(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return ContextValues.Empty;
        var entries = new List<KeyValuePair<string, string?>>();
        foreach (var entry in header.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var member = entry.Split(';', 2)[0];
            var equals = member.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || member[..equals].Trim().Length == 0) continue;
            entries.Add(new(member[..equals].Trim(), Uri.UnescapeDataString(member[(equals + 1)..].Trim())));
        }
        return FromBaggage(entries);
    }

    /// <summary>The well-known fields of <paramref name="values"/> as a W3C <c>baggage</c> header value (percent-encoded), empty when there are none.</summary>
    public static string ToBaggageHeader(ContextValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.TenantId is null && values.UserId is null && values.Plan is null && values.Feature is null && values.RequestId is null) return "";
        return string.Join(",", Fields(values).Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value)));
    }

    private static void Annotate(Activity activity, ContextValues values)
    {
        foreach (var (key, value) in Fields(values))
        {
            activity.SetTag("panoptic." + key, value);
            activity.SetBaggage(key, value);
        }
    }

    private static IEnumerable<(string Key, string Value)> Fields(ContextValues values)
    {
        if (values.TenantId is { } tenant) yield return (TenantKey, tenant);
        if (values.UserId is { } user) yield return (UserKey, user);
        if (values.Plan is { } plan) yield return (PlanKey, plan);
        if (values.Feature is { } feature) yield return (FeatureKey, feature);
        if (values.RequestId is { } request) yield return (RequestKey, request);
    }

    private sealed class Scope(ContextValues? outer, ContextValues mine) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            // Disposed out of order (an outer scope first), a scope does not clobber what an inner one set.
            if (ReferenceEquals(Ambient.Value, mine)) Ambient.Value = outer;
        }
    }
}
