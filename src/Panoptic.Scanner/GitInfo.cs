namespace Panoptic.Scanner;

/// <summary>The commit and branch checked out in a repository, read from .git without running git.</summary>
internal static class GitInfo
{
    public static (string? Commit, string? Branch) Read(string root)
    {
        try
        {
            var gitDir = Path.Combine(root, ".git");
            if (File.Exists(gitDir))
            {
                var pointer = File.ReadAllText(gitDir).Trim();
                if (!pointer.StartsWith("gitdir:", StringComparison.Ordinal)) return (null, null);
                gitDir = Path.GetFullPath(Path.Combine(root, pointer[7..].Trim()));
            }
            var headPath = Path.Combine(gitDir, "HEAD");
            if (!File.Exists(headPath)) return (null, null);
            var head = File.ReadAllText(headPath).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal)) return (IsSha(head) ? head : null, null);
            var reference = head[4..].Trim();
            var branch = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference[11..] : reference;
            var refFile = Path.Combine(gitDir, reference);
            if (File.Exists(refFile)) return (Sha(File.ReadAllText(refFile)), branch);
            var packed = Path.Combine(gitDir, "packed-refs");
            if (!File.Exists(packed)) return (null, branch);
            foreach (var line in File.ReadLines(packed))
            {
                if (line.EndsWith(" " + reference, StringComparison.Ordinal)) return (Sha(line[..line.IndexOf(' ')]), branch);
            }
            return (null, branch);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    private static string? Sha(string text) => IsSha(text.Trim()) ? text.Trim() : null;

    private static bool IsSha(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigit);
}
