using System.Xml;
using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Manifests;

/// <summary>pom.xml: dependencies as "groupId:artifactId", test scope as dev, dependencyManagement as pins.</summary>
internal static class MavenManifest
{
    public static Manifest Read(string file, string text)
    {
        var manifest = new Manifest(Ecosystem.Maven, file);
        using var reader = XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var info = (IXmlLineInfo)reader;
        var path = new List<string>();
        string? group = null, artifact = null, version = null, scope = null, optional = null;
        var line = 0;
        string? packaging = null;
        var modules = new List<string>();
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (!reader.IsEmptyElement) path.Add(reader.LocalName);
                    if (reader.LocalName == "dependency") { group = artifact = version = scope = optional = null; line = info.LineNumber; }
                    break;
                case XmlNodeType.Text:
                    var value = reader.Value.Trim();
                    var current = path.Count > 0 ? path[^1] : "";
                    var parent = path.Count > 1 ? path[^2] : "";
                    if (parent == "dependency")
                    {
                        if (current == "groupId") group = value;
                        // The artifactId's own line is the one that names the dependency.
                        else if (current == "artifactId") { artifact = value; line = info.LineNumber; }
                        else if (current == "optional") optional = value;
                        else if (current == "version") version = value;
                        else if (current == "scope") scope = value;
                    }
                    else if (current == "artifactId" && parent == "project") manifest.Name = value;
                    else if (current == "packaging" && parent == "project") packaging = value;
                    else if (current == "module" && parent == "modules") modules.Add(value);
                    else if (current == "artifactId" && (value == "spring-boot-maven-plugin" || value == "quarkus-maven-plugin" || value == "spring-boot-starter-parent")) manifest.Runnable = true;
                    break;
                case XmlNodeType.EndElement:
                    if (reader.LocalName == "dependency" && artifact is not null)
                    {
                        var pinned = path.Contains("dependencyManagement");
                        var depScope = pinned ? DependencyScope.Pin : scope is "test" ? DependencyScope.Dev : scope is "provided" or "system" || optional == "true" ? DependencyScope.Optional : DependencyScope.Direct;
                        manifest.Dependencies.Add(new Dependency(group is null ? artifact : $"{group}:{artifact}", version, depScope, line));
                    }
                    if (path.Count > 0) path.RemoveAt(path.Count - 1);
                    break;
            }
        }
        // A "pom"-packaged parent that lists modules aggregates services; it runs nothing itself (its boot plugin is for the modules).
        if (packaging == "pom" && modules.Count > 0)
        {
            manifest.IsWorkspaceRoot = true;
            if (manifest.Runnable) manifest.RunnableModules.AddRange(modules);
            manifest.Runnable = false;
        }
        return manifest;
    }
}
