using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// "Sign in with Slack" is not the Slack API. A vendor's OAuth client credentials (SLACK_APP_SECRET,
/// DISCORD_CLIENT_ID, GITHUB_AUTO_REGISTER) configure signing in with that vendor when nothing else in the
/// repository calls the vendor: they move to the vendor's sign-in entry. Where the code does call the vendor (a
/// Discord integration that gets its webhook through OAuth), the credentials stay with that integration.
/// </summary>
internal static class SignIn
{
    public static List<Signal> Reassign(List<Signal> signals, TechnologyCatalog catalog)
    {
        HashSet<string>? called = null;
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (signal.Kind != SignalKind.EnvVar || !TechnologyCatalog.SignInCredential(signal.Detail)) continue;
            if (catalog[signal.TechnologyId] is not { } tech || catalog.SignInOf(tech) is not { } signIn) continue;
            called ??= signals.Where(s => StatusRule.IsProductionSignal(s.Kind) && s.Kind != SignalKind.Selected).Select(s => s.TechnologyId).ToHashSet(StringComparer.Ordinal);
            if (!called.Contains(tech.Id)) signals[i] = signal with { TechnologyId = signIn.Id };
        }
        // The other way round: an OAuth flow inside an integration module (hc/integrations/slack/views.py reaching
        // slack.com/oauth) connects that integration; it is no way of signing in.
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = signals[i];
            if (catalog[signal.TechnologyId] is not { Category: "auth" } tech || !InIntegration(signal.File) || catalog.ApiOf(tech) is not { } api) continue;
            signals[i] = signal with { TechnologyId = api.Id, Guard = signal.Guard ?? "an integration the user connects through OAuth" };
        }
        return signals;
    }

    private static bool InIntegration(string path)
    {
        foreach (var segment in path.Split('/'))
        {
            if (segment.Equals("integrations", StringComparison.OrdinalIgnoreCase) || segment.Equals("integration", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
