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
        return signals;
    }
}
