namespace Panoptic.Scanner.Walking;

/// <summary>A file the walker decided to read: its repository-relative path with '/' separators.</summary>
public sealed record RepositoryFile(string Path, string FullPath, long Size)
{
    public string Name => System.IO.Path.GetFileName(Path);

    public string Directory
    {
        get
        {
            var slash = Path.LastIndexOf('/');
            return slash < 0 ? "" : Path[..slash];
        }
    }
}
