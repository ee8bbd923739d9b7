using System.Xml;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>*.csproj/*.fsproj/*.vbproj, Directory.Packages.props and packages.config.</summary>
internal static class DotnetManifests
{
    /// <summary>Package id prefixes of test frameworks (xunit.v3.mtp-v2, NUnit3TestAdapter and MSTest.TestFramework all count).</summary>
    private static readonly string[] TestFrameworks = ["xunit", "nunit", "mstest", "microsoft.net.test.sdk", "tunit"];

    public static Manifest Read(string file, string text)
    {
        var name = Path.GetFileName(file);
        var manifest = new Manifest(Ecosystem.NuGet, file) { Name = Path.GetFileNameWithoutExtension(name) };
        manifest.PinsOnly = name.Equals("Directory.Packages.props", StringComparison.OrdinalIgnoreCase);
        var packagesConfig = name.Equals("packages.config", StringComparison.OrdinalIgnoreCase);

        using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var info = (IXmlLineInfo)reader;
        string? element = null;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                element = reader.LocalName;
                switch (reader.LocalName)
                {
                    case "Project":
                        var sdk = reader.GetAttribute("Sdk") ?? "";
                        if (sdk.Contains(".Web", StringComparison.OrdinalIgnoreCase) || sdk.Contains(".Worker", StringComparison.OrdinalIgnoreCase)) manifest.Runnable = true;
                        if (sdk.StartsWith("MSTest.Sdk", StringComparison.OrdinalIgnoreCase)) manifest.IsTestProject = true;
                        // The SDK names the framework (Microsoft.NET.Sdk.Web is ASP.NET Core), so it counts as a dependency the catalog can match.
                        foreach (var part in sdk.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            manifest.Dependencies.Add(new Dependency(part.Split('/')[0], null, DependencyScope.Direct, info.LineNumber));
                        break;
                    case "Sdk" when reader.GetAttribute("Name") is { } sdkName:
                        manifest.Dependencies.Add(new Dependency(sdkName, reader.GetAttribute("Version"), DependencyScope.Direct, info.LineNumber));
                        if (sdkName.StartsWith("Aspire.AppHost", StringComparison.OrdinalIgnoreCase)) manifest.Runnable = true;
                        break;
                    case "ProjectReference" when reader.GetAttribute("Include") is { } reference:
                        var folder = Path.GetDirectoryName(reference.Replace('\\', '/'));
                        if (folder is not null) manifest.ProjectReferences.Add(Deployment.Paths.Combine(Path.GetDirectoryName(file)?.Replace('\\', '/') ?? "", folder));
                        break;
                    case "PackageReference":
                    case "PackageVersion":
                    case "package" when packagesConfig:
                        var id = reader.GetAttribute("Include") ?? reader.GetAttribute("Update") ?? reader.GetAttribute("id");
                        if (id is null) break;
                        var scope = reader.LocalName == "PackageVersion" ? DependencyScope.Pin : DependencyScope.Direct;
                        manifest.Dependencies.Add(new Dependency(id, reader.GetAttribute("Version") ?? reader.GetAttribute("version"), scope, info.LineNumber));
                        if (scope == DependencyScope.Direct && TestFrameworks.Any(t => id.StartsWith(t, StringComparison.OrdinalIgnoreCase))) manifest.IsTestProject = true;
                        break;
                }
            }
            else if (reader.NodeType == XmlNodeType.Text)
            {
                var value = reader.Value.Trim();
                if (element == "OutputType" && value.Equals("Exe", StringComparison.OrdinalIgnoreCase)) manifest.Runnable = true;
                if (element == "IsTestProject" && value.Equals("true", StringComparison.OrdinalIgnoreCase)) manifest.IsTestProject = true;
                if (element == "IsAspireHost" && value.Equals("true", StringComparison.OrdinalIgnoreCase)) manifest.Runnable = true;
                if (element is "UseMaui" or "UseWPF" or "UseWindowsForms" && value.Equals("true", StringComparison.OrdinalIgnoreCase)) manifest.IsClientApp = true;
            }
        }
        if (manifest.IsTestProject || manifest.IsClientApp) manifest.Runnable = false;
        return manifest;
    }
}
