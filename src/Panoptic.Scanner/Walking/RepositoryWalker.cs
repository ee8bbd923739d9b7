namespace Panoptic.Scanner.Walking;

/// <summary>
/// Lists the files of a repository worth reading. Honours .gitignore files at every level and skips vendored,
/// build and generated folders, binaries, oversized files and symbolic links (never followed, so no loop is possible).
/// Unreadable folders are reported, never thrown.
/// </summary>
public sealed class RepositoryWalker(string root, long maxFileSize, GitIgnore? extraIgnores = null)
{
    private readonly string _root = Path.GetFullPath(root);

    /// <summary>Lists one folder; tests replace it to make the file system fail the way real ones do.</summary>
    internal Func<DirectoryInfo, FileSystemInfo[]> ListDirectory { get; init; } = static dir => dir.GetFileSystemInfos();

    public WalkResult Walk(CancellationToken cancellationToken = default)
    {
        var files = new List<RepositoryFile>();
        var skipped = new List<SkippedEntry>();
        var pending = new Stack<(string FullPath, string RelativePath, GitIgnore[] Ignores)>();
        pending.Push((_root, "", extraIgnores is null ? [] : [extraIgnores]));

        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (dir, relDir, ignores) = pending.Pop();
            ignores = WithLocalGitIgnore(dir, relDir, ignores);

            FileSystemInfo[] entries;
            try
            {
                entries = ListDirectory(new DirectoryInfo(dir));
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException or System.Security.SecurityException)
            {
                skipped.Add(new SkippedEntry(relDir.Length == 0 ? "." : relDir, e is DirectoryNotFoundException ? Missing(relDir) : SkipReason.Unreadable));
                continue;
            }
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));

            foreach (var entry in entries)
            {
                var rel = relDir.Length == 0 ? entry.Name : relDir + "/" + entry.Name;
                var isDirectory = entry is DirectoryInfo;
                if (entry.LinkTarget is not null)
                {
                    skipped.Add(new SkippedEntry(rel, SkipReason.SymbolicLink));
                    continue;
                }
                var ignored = IsIgnored(ignores, rel, isDirectory);
                if (ignored is not null)
                {
                    skipped.Add(new SkippedEntry(rel, ignored.Value));
                    continue;
                }
                if (isDirectory)
                {
                    if (WalkRules.SkippedFolders.Contains(entry.Name)) skipped.Add(new SkippedEntry(rel, SkipReason.VendoredOrBuildFolder));
                    else pending.Push((entry.FullName, rel, ignores));
                    continue;
                }
                var reason = Classify((FileInfo)entry, rel);
                if (reason is null) files.Add(new RepositoryFile(rel, entry.FullName, ((FileInfo)entry).Length));
                else skipped.Add(new SkippedEntry(rel, reason.Value));
            }
        }

        files.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        skipped.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new WalkResult(files, skipped);
    }

    private SkipReason? Classify(FileInfo file, string rel)
    {
        if (WalkRules.HasBinaryExtension(file.Name)) return SkipReason.Binary;
        if (WalkRules.IsGenerated(rel)) return SkipReason.Generated;
        long length;
        try
        {
            length = file.Length;
        }
        catch (FileNotFoundException)
        {
            return Missing(rel);
        }
        return length > maxFileSize ? SkipReason.TooLarge : null;
    }

    // Linux names are bytes; .NET decodes them as UTF-8 with U+FFFD for what is not, and the path it spells back
    // names no file. That is a name to report, not a file that vanished.
    private static SkipReason Missing(string rel) => rel.Contains('\uFFFD', StringComparison.Ordinal) ? SkipReason.NameNotUtf8 : SkipReason.Vanished;

    private static SkipReason? IsIgnored(GitIgnore[] ignores, string rel, bool isDirectory)
    {
        // Deeper files speak last, so their verdict wins.
        bool? verdict = null;
        var byConfig = false;
        for (var i = 0; i < ignores.Length; i++)
        {
            var match = ignores[i].Match(rel, isDirectory);
            if (match is null) continue;
            verdict = match;
            byConfig = ignores[i].IsConfig;
        }
        if (verdict != true) return null;
        return byConfig ? SkipReason.Ignored : SkipReason.Gitignored;
    }

    private static GitIgnore[] WithLocalGitIgnore(string dir, string relDir, GitIgnore[] inherited)
    {
        var path = Path.Combine(dir, ".gitignore");
        if (!File.Exists(path)) return inherited;
        try
        {
            var local = GitIgnore.Parse(relDir, File.ReadLines(path));
            return [.. inherited, local];
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return inherited;
        }
    }
}

public sealed record WalkResult(IReadOnlyList<RepositoryFile> Files, IReadOnlyList<SkippedEntry> Skipped);
