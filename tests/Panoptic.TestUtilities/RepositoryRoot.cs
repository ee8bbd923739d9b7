namespace Panoptic.TestUtilities;

/// <summary>The checkout the tests run from: the folder above the test binaries that holds Panoptic.slnx.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(System.IO.Path.Combine(folder.FullName, "Panoptic.slnx"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Panoptic.slnx not found above the test folder");
    }
}
