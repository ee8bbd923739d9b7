using System.Text;

namespace Panoptic.TestUtilities;

/// <summary>A throwaway repository folder that a test fills with files; deleted on dispose.</summary>
public sealed class TempRepository : IDisposable
{
    public TempRepository(string? name = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "panoptic-tests", (name ?? "repo") + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public TempRepository With(string relativePath, string content)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content.ReplaceLineEndings("\n"), new UTF8Encoding(false));
        return this;
    }

    public TempRepository WithBytes(string relativePath, byte[] content)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return this;
    }

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A test that left a file open loses nothing by leaving its temp folder behind.
        }
    }
}
