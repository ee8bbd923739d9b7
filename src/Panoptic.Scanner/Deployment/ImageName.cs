namespace Panoptic.Scanner.Deployment;

/// <summary>Normalizes a container image reference to "namespace/name": no registry, tag, digest or ${VAR:-default}.</summary>
public static class ImageName
{
    public static string? Normalize(string reference)
    {
        var image = ResolveVariables(reference.Trim().Trim('"', '\''));
        var at = image.IndexOf('@');
        if (at >= 0) image = image[..at];
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        if (colon > slash) image = image[..colon];
        var parts = image.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (parts.Count == 0) return null;
        // A first part with a dot, a port or "localhost" is a registry host, not a namespace.
        if (parts.Count > 1 && (parts[0].Contains('.') || parts[0].Contains(':') || parts[0] == "localhost")) parts.RemoveAt(0);
        if (parts.Count > 1 && parts[0] == "library") parts.RemoveAt(0);
        var normalized = string.Join('/', parts).ToLowerInvariant();
        return normalized.Length == 0 || normalized.Contains('$') ? null : normalized;
    }

    /// <summary>Replaces ${VAR:-default} and ${VAR-default} with the default; drops ${VAR} and $VAR with none.</summary>
    private static string ResolveVariables(string value)
    {
        var result = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '{')
            {
                var close = value.IndexOf('}', i);
                if (close < 0) return value;
                var inner = value[(i + 2)..close];
                var dash = inner.IndexOf('-');
                if (dash >= 0) result.Append(inner[(dash + 1)..].TrimStart('-'));
                i = close;
            }
            else result.Append(value[i]);
        }
        return result.ToString();
    }
}
