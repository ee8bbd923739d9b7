using System.Diagnostics;
using System.IO.Compression;
using Panoptic.TestUtilities;

namespace Panoptic.Sdk.Tests.PublicApi;

/// <summary><c>dotnet pack</c> on the three SDK projects, read back: what a user installs.</summary>
public sealed class PackageTests
{
    [Fact]
    public async Task Pack_ProducesEachPackage_WithItsReadmeXmlDocsAndDependencies()
    {
        var output = Path.Combine(Path.GetTempPath(), "panoptic-pack-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var project in new[] { "Panoptic.Sdk", "Panoptic.Sdk.AspNetCore", "Panoptic.Sdk.OpenTelemetry" })
            {
                var configuration = typeof(PackageTests).Assembly.Location.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
                var start = new ProcessStartInfo("dotnet", ["pack", Path.Combine(RepositoryRoot.Path, "src", project), "-c", configuration, "--no-build", "--nologo", "-o", output])
                { RedirectStandardOutput = true, RedirectStandardError = true };
                using var pack = Process.Start(start)!;
                var log = await pack.StandardOutput.ReadToEndAsync() + await pack.StandardError.ReadToEndAsync();
                await pack.WaitForExitAsync();
                pack.ExitCode.ShouldBe(0, log);
                using var package = ZipFile.OpenRead(Path.Combine(output, $"{project}.0.1.0.nupkg"));
                var entries = package.Entries.Select(e => e.FullName).ToList();
                entries.ShouldContain("README.md");
                entries.ShouldContain($"lib/net10.0/{project}.dll");
                entries.ShouldContain($"lib/net10.0/{project}.xml");
                using var nuspec = new StreamReader(package.GetEntry($"{project}.nuspec")!.Open());
                var manifest = await nuspec.ReadToEndAsync();
                manifest.ShouldContain("<readme>README.md</readme>");
                if (project != "Panoptic.Sdk") manifest.ShouldContain("<dependency id=\"Panoptic.Sdk\" version=\"0.1.0\"");
            }
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
