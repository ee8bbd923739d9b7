using System.Reflection;
using System.Text;
using Panoptic.Sdk.AspNetCore;
using Panoptic.Sdk.OpenTelemetry;
using Panoptic.TestUtilities;

namespace Panoptic.Sdk.Tests.PublicApi;

/// <summary>
/// The packages' public API, listed from the built assemblies and compared with the approved listing next to this
/// file: a change to what users compile against shows in review. To accept a change on purpose, run the tests with
/// PANOPTIC_APPROVE=1 (it rewrites the approved files) and commit them.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("Panoptic.Sdk")]
    [InlineData("Panoptic.Sdk.AspNetCore")]
    [InlineData("Panoptic.Sdk.OpenTelemetry")]
    public void ThePublicApi_IsTheApprovedOne(string assemblyName)
    {
        var assembly = assemblyName switch
        {
            "Panoptic.Sdk" => typeof(global::Panoptic.Sdk.Tracking.PanopticSdk).Assembly,
            "Panoptic.Sdk.AspNetCore" => typeof(PanopticApplicationBuilderExtensions).Assembly,
            _ => typeof(OpenTelemetryTransport).Assembly,
        };
        var listing = Listing(assembly);
        var approved = Path.Combine(RepositoryRoot.Path, "tests", "Panoptic.Sdk.Tests", "PublicApi", assemblyName + ".approved.txt");
        if (Environment.GetEnvironmentVariable("PANOPTIC_APPROVE") == "1") File.WriteAllText(approved, listing);
        File.Exists(approved).ShouldBeTrue($"{approved} is missing; run with PANOPTIC_APPROVE=1 to write it");
        var expected = File.ReadAllText(approved).ReplaceLineEndings("\n");
        if (expected != listing) File.WriteAllText(Path.ChangeExtension(approved, ".received.txt"), listing);
        listing.ShouldBe(expected, $"the public API of {assemblyName} changed; compare {Path.ChangeExtension(approved, ".received.txt")} and approve with PANOPTIC_APPROVE=1");
    }

    private static string Listing(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(Name(type));
            var bases = new List<string>();
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) bases.Add(Name(b));
            bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Where(n => !n.StartsWith("System.IEquatable", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            if (bases.Count > 0) text.Append(" : ").Append(string.Join(", ", bases));
            text.Append('\n');
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMembers(flags).Where(Visible).Select(Member).Where(m => m.Length > 0).Order(StringComparer.Ordinal);
            foreach (var member in members) text.Append("  ").Append(member).Append('\n');
        }
        return text.ToString();
    }

    private static bool Visible(MemberInfo member) => member switch
    {
        MethodBase m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName || m is ConstructorInfo { IsPublic: true } or ConstructorInfo { IsFamily: true },
        FieldInfo f => f.IsPublic || f.IsFamily,
        PropertyInfo p => p.GetMethod is { } g && (g.IsPublic || g.IsFamily),
        EventInfo => true,
        _ => false,
    };

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m when m.Name is "<Clone>$" or "PrintMembers" or "EqualityContract" => "",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(",", m.GetGenericArguments().Select(a => a.Name)) + ">" : "")}({Parameters(m)})",
        PropertyInfo p when p.Name == "EqualityContract" => "",
        PropertyInfo p => $"{(p.GetMethod!.IsStatic ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ get;{(p.SetMethod is { } s && (s.IsPublic || s.IsFamily) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : "")} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : "")}",
        _ => "",
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    private static string Name(Type type)
    {
        if (type.IsByRef) return "ref " + Name(type.GetElementType()!);
        if (type.IsArray) return Name(type.GetElementType()!) + "[]";
        if (Nullable.GetUnderlyingType(type) is { } inner) return Name(inner) + "?";
        if (type.IsGenericParameter) return type.Name;
        var name = (type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name);
        if (type.IsGenericType) name = name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
        return name;
    }
}
