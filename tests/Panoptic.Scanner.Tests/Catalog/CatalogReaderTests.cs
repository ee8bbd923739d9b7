using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Tests.Catalog;

public class CatalogReaderTests
{
    private static List<Technology> Parse(string yaml)
    {
        var root = CatalogReader.LoadMapping(yaml, "test.yaml");
        return CatalogReader.ParseTechnologies((YamlDotNet.RepresentationModel.YamlSequenceNode)root.Children["technologies"], Scans.Catalog.Categories, "test.yaml", "technologies");
    }

    [Fact]
    public void ParseTechnologies_UnknownKey_NamesKeyAndLine()
    {
        var e = Should.Throw<CatalogException>(() => Parse("technologies:\n  - id: x\n    name: X\n    category: cache\n    imagez: [a]\n"));
        e.Message.ShouldBe("test.yaml:5: technologies: unknown key 'imagez'");
    }

    [Fact]
    public void ParseTechnologies_UnknownCategory_IsRejected()
    {
        var e = Should.Throw<CatalogException>(() => Parse("technologies:\n  - { id: x, name: X, category: teleport }\n"));
        e.Message.ShouldContain("unknown category 'teleport'");
    }

    [Fact]
    public void ParseTechnologies_DuplicateId_IsRejected()
    {
        var e = Should.Throw<CatalogException>(() => Parse("technologies:\n  - { id: x, name: X, category: cache }\n  - { id: x, name: Y, category: cache }\n"));
        e.Message.ShouldContain("duplicate id 'x'");
    }

    [Fact]
    public void LoadMapping_InvalidYaml_NamesLine()
    {
        var e = Should.Throw<CatalogException>(() => CatalogReader.LoadMapping("a: [1, 2\nb: c\n", "bad.yaml"));
        e.Message.ShouldStartWith("bad.yaml");
        e.Message.ShouldContain("invalid YAML");
    }

    [Fact]
    public void LoadMapping_UnclosedBracket_SaysWhere() =>
        Should.Throw<CatalogException>(() => CatalogReader.LoadMapping("a: [1, 2\nb: c\n", "panoptic.yaml"))
            .Message.ShouldBe("panoptic.yaml:1: invalid YAML: '[' opened at line 1, column 4 is never closed");

    [Fact]
    public void LoadMapping_EmptyKeyBeforeABlock_IsACatalogException()
    {
        // Found by fuzzing: YamlDotNet threw ArgumentException here, which nothing above expected.
        Should.Throw<CatalogException>(() => CatalogReader.LoadMapping("overrides:\n :\n    status: core\n", "panoptic.yaml"))
            .Message.ShouldStartWith("panoptic.yaml:");
    }
}
