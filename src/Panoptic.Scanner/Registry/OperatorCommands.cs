namespace Panoptic.Scanner.Registry;

/// <summary>
/// Commands an operator runs by hand against production (Django management commands, rake tasks, Laravel and Symfony
/// console commands, mix tasks): a vendor used only there is part of the product, but not of what runs by default
/// ("optional: only in the operator command hc/api/management/commands/settelegramwebhook.py").
/// </summary>
internal static class OperatorCommands
{
    /// <summary>Marks in place; <paramref name="signals"/> holds each file's evidence together, so each path is asked once.</summary>
    public static List<Signal> Mark(List<Signal> signals)
    {
        string? file = null;
        var command = false;
        for (var i = 0; i < signals.Count; i++)
        {
            var s = signals[i];
            if (!string.Equals(s.File, file, StringComparison.Ordinal)) (file, command) = (s.File, IsCommand(s.File));
            if (command && s.Guard is null && StatusRule.PlaceOf(s) == Place.Product) signals[i] = s with { Guard = $"the operator command `{s.File}`, run by hand" };
        }
        return signals;
    }

    public static bool IsCommand(string path) =>
        (path.Contains("/management/commands/", StringComparison.Ordinal) && path.EndsWith(".py", StringComparison.Ordinal))
        || ((path.StartsWith("lib/tasks/", StringComparison.Ordinal) || path.Contains("/lib/tasks/", StringComparison.Ordinal)) && path.EndsWith(".rake", StringComparison.Ordinal))
        || path.Contains("app/Console/Commands/", StringComparison.Ordinal)
        || path.Contains("src/Command/", StringComparison.Ordinal)
        || path.Contains("lib/mix/tasks/", StringComparison.Ordinal);
}
