using System.Buffers;
using Panoptic.Scanner.Catalog;
using Panoptic.Scanner.Source;

namespace Panoptic.Scanner.Registry;

/// <summary>
/// "Only if", decided in another file: the module that calls a vendor is often written without a condition, while
/// the code that uses the module runs it only when a setting is present (<c>if (env.SENTRY_DSN) initSentry()</c>,
/// <c>if (!String.IsNullOrEmpty(options.MaxMindGeoIpKey)) services.Replace&lt;IGeoIpService, MaxMindGeoIpService&gt;()</c>).
/// For a technology whose every unguarded use in product code sits in a few modules, each module's name is looked
/// up in the other product files of its language: when every use of every module is guarded, so is the technology.
/// One unguarded use, a module nothing uses (an entry point) or a module whose name says nothing keeps it as it was.
/// </summary>
internal static class Callers
{
    private const int MaxModules = 3;
    private const int MaxUses = 40;

    // File names that say nothing about what the module is: too many files share them to find the callers by name.
    private static readonly HashSet<string> Generic = new(StringComparer.OrdinalIgnoreCase)
    {
        "index", "main", "app", "application", "client", "clients", "service", "services", "utils", "util", "helpers", "helper", "config", "configuration",
        "settings", "init", "__init__", "mod", "lib", "server", "api", "base", "common", "core", "program", "startup", "types", "constants", "models",
        "views", "routes", "handler", "handlers", "worker", "workers", "tasks", "jobs", "module", "provider", "providers", "plugin", "plugins", "setup",
        "default", "defaults", "options", "env", "environment", "global", "globals", "extensions", "bootstrap", "bootstrapper", "register", "registry", "shared",
    };

    public static List<Signal> Mark(List<Signal> signals, IReadOnlyList<FileReport> reports, string? root)
    {
        if (root is null) return signals;
        var modules = Candidates(signals);
        if (modules.Count == 0) return signals;
        var byStem = modules.Values.SelectMany(m => m).Distinct().GroupBy(StemOf, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var dialects = byStem.Values.SelectMany(f => f).Select(DialectOf).ToHashSet(StringComparer.Ordinal);
        // Elixir names a module after its file in CamelCase (debounce.ex defines ChatApi.Emails.Debounce).
        var search = SearchValues.Create([.. byStem.Keys, .. dialects.Contains(Elixir) ? byStem.Keys.Select(Camelized) : []], StringComparison.Ordinal);
        var files = reports.Where(r => DialectOf(r.Path) is { } d && dialects.Contains(d) && SourceFiles.PlaceOf(r.Path) == Place.Product && !SourceFiles.IsDocsPath(r.Path)).Select(r => (r.Path, r.Language)).ToList();
        // Per module file: every use found in another file, with the guard it runs under (null: unguarded).
        var uses = files.AsParallel().SelectMany(f => UsesIn(root, f.Path, f.Language, search, byStem)).ToList()
            .GroupBy(u => u.Module, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var guards = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (tech, moduleFiles) in modules)
        {
            if (!moduleFiles.All(module => uses.TryGetValue(module, out var found) && found.Count > 0 && found.All(u => u.Guard is not null))) continue;
            var use = uses[moduleFiles.Order(StringComparer.Ordinal).First()].OrderBy(u => u.File, StringComparer.Ordinal).ThenBy(u => u.Line).First();
            guards[tech] = $"{use.Guard} where {use.File}:{use.Line} uses {StemOf(use.Module)}";
        }
        if (guards.Count == 0) return signals;
        // The modules' own uses take the guard, and so do imports of the SDK elsewhere: they use the client the modules build.
        return signals.ConvertAll(s => s.Guard is null && guards.TryGetValue(s.TechnologyId, out var guard) && StatusRule.PlaceOf(s) == Place.Product && InCode(s.Kind)
            && (modules[s.TechnologyId].Contains(s.File) || s.Kind == SignalKind.Import) ? s with { Guard = guard } : s);
    }

    /// <summary>Technologies that are core only through unguarded code in a few product modules with telling names.</summary>
    private static Dictionary<string, HashSet<string>> Candidates(List<Signal> signals)
    {
        // One pass over all the evidence, each technology's state kept in the order it first appears.
        var states = new Dictionary<string, (HashSet<string>? Files, HashSet<string>? Built, bool Decided)>(StringComparer.Ordinal);
        string? file = null;
        var inSource = false;
        foreach (var s in signals)
        {
            ref var state = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(states, s.TechnologyId, out _);
            if (state.Decided || s.Guard is not null || StatusRule.PlaceOf(s) != Place.Product || !StatusRule.IsProductionSignal(s.Kind)) continue;
            // A file's evidence sits together: its language is asked once per run of it.
            if (!string.Equals(s.File, file, StringComparison.Ordinal)) (file, inSource) = (s.File, DialectOf(s.File) is not null);
            // The default deployment or a committed setting makes it core whatever the code does.
            if (!InCode(s.Kind) || !inSource) { state.Decided = true; continue; }
            (state.Files ??= new(StringComparer.Ordinal)).Add(s.File);
            if (s.Kind == SignalKind.Code) (state.Built ??= new(StringComparer.Ordinal)).Add(s.File);
        }
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (tech, (found, built, decided)) in states)
        {
            // Where the client is constructed decides; other files import the SDK to use that client.
            var files = built ?? found;
            if (decided || files is null || files.Count > MaxModules || files.Any(f => StemOf(f) is var stem && (stem.Length < 4 || Generic.Contains(stem)))) continue;
            result[tech] = files;
        }
        return result;
    }

    private readonly record struct Use(string Module, string File, int Line, string? Guard);

    private const string Elixir = "Elixir";

    /// <summary>The language whose files can call a module: those the scanner reads, and Elixir's.</summary>
    private static string? DialectOf(string path) =>
        SourceFiles.LanguageOf(Path.GetFileName(path))?.ToString() ?? (path.EndsWith(".ex", StringComparison.Ordinal) || path.EndsWith(".exs", StringComparison.Ordinal) ? Elixir : null);

    /// <summary>"stripe_client" as "StripeClient", the module name Elixir gives that file.</summary>
    private static string Camelized(string stem) => string.Concat(stem.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static List<Use> UsesIn(string root, string path, SourceLanguage? language, SearchValues<string> search, Dictionary<string, List<string>> byStem)
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(root, path));
        }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
        if (text.AsSpan().IndexOfAny(search) < 0) return [];
        var code = new CodeText(text.AsMemory(), CodeText.StyleOf(Path.GetFileName(path), language));
        var found = new List<Use>();
        var dialect = DialectOf(path);
        foreach (var (stem, modules) in byStem)
        {
            // A Go file never imports its own package: files beside the module are the module.
            var others = modules.Where(m => m != path && DialectOf(m) == dialect && !(language == SourceLanguage.Go && SameFolder(m, path))).ToList();
            if (others.Count == 0) continue;
            if (language is null)
            {
                // Elixir calls a module by its name, "ChatApi.Emails.Debounce.valid?(email)" or after an alias.
                var module = Camelized(stem);
                if (text.IndexOf(module + ".", StringComparison.Ordinal) < 0) continue;
                var calls = Lines(text, module).Where(l => !ElixirDirective(code.Line(l)) && !code.IsCommented(l, module)).Take(MaxUses)
                    .Select(l => (l, Guards.Find(code, l, isImport: false)?.Text)).ToList();
                foreach (var other in others)
                    foreach (var (line, guard) in calls) found.Add(new Use(other, path, line, guard));
                continue;
            }
            if (text.IndexOf(stem, StringComparison.Ordinal) < 0) continue;
            foreach (var module in others)
            {
                // The names the module goes by here: what an import of it binds, and in languages that name a file
                // after its class (C#, Java, PHP) the class itself.
                var names = new HashSet<string>(StringComparer.Ordinal);
                if (language is SourceLanguage.CSharp or SourceLanguage.Java or SourceLanguage.Php) names.Add(stem);
                var uses = new List<(int Line, string? Guard)>();
                foreach (var line in Lines(text, stem))
                {
                    var content = code.Line(line).Trim().ToString();
                    if (!(IsImport(content) || (language == SourceLanguage.Go && GoImportPath(content))) || !ImportsModule(content, stem, module, path)) continue;
                    // A re-export passes the module on under names this search cannot follow: its users count as unguarded.
                    if (content.StartsWith("export ", StringComparison.Ordinal)) uses.Add((line, null));
                    foreach (var name in ImportedNames.Of(language.Value, content, stem)) names.Add(name);
                }
                foreach (var name in names)
                {
                    foreach (var line in Lines(text, name))
                    {
                        if (uses.Count >= MaxUses) break;
                        var content = code.Line(line).Trim();
                        if (IsImport(content) || (language == SourceLanguage.Go && GoImportPath(content)) || code.IsCommented(line, name)) continue;
                        // A Go package runs when one of its functions is called; naming its types (mailbox.Opt) runs nothing.
                        if (language == SourceLanguage.Go && !CallsInto(content, name)) continue;
                        uses.Add((line, Guards.Find(code, line, isImport: false)?.Text));
                    }
                }
                foreach (var (line, guard) in uses) found.Add(new Use(module, path, line, guard));
            }
        }
        return found;
    }

    /// <summary>The lines where <paramref name="word"/> appears as a whole word.</summary>
    private static IEnumerable<int> Lines(string text, string word)
    {
        var line = 1;
        var counted = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            if (!CodeText.IsWordAt(text, at, word.Length)) continue;
            line += text.AsSpan(counted, at - counted).Count('\n');
            counted = at;
            yield return line;
        }
    }

    private static bool ElixirDirective(ReadOnlySpan<char> line)
    {
        var t = line.TrimStart();
        return t.StartsWith("alias ") || t.StartsWith("import ") || t.StartsWith("require ") || t.StartsWith("use ") || t.StartsWith("defmodule ") || t.StartsWith("@");
    }

    private static bool IsImport(ReadOnlySpan<char> line) =>
        CodeText.IsImportLine(line) || line.StartsWith("export * from") || line.StartsWith("export {") || line.Contains("require(", StringComparison.Ordinal) || line.Contains("import(", StringComparison.Ordinal);

    /// <summary>
    /// An import of the module itself: the name ends a path or a dotted module (<c>"./utils/sentry"</c>,
    /// <c>from hc.lib import statsd</c>), not a package that shares it (<c>"@sentry/react"</c>, <c>"sentry-sdk"</c>).
    /// </summary>
    private static bool ImportsModule(string line, string stem, string module, string importer)
    {
        // The folder the path names before the module must be the module's own (@server/logging/sentry is not app/utils/sentry).
        var folder = Path.GetDirectoryName(module)?.Replace('\\', '/') ?? "";
        // A module named for its folder (an index file, a Go package) is imported by the folder's path.
        if (StemOf(module) != Path.GetFileNameWithoutExtension(module).Split('.')[0] || module.EndsWith(".go", StringComparison.Ordinal))
            folder = Path.GetDirectoryName(folder)?.Replace('\\', '/') ?? "";
        var parent = Path.GetFileName(folder);
        var sameFolder = (Path.GetDirectoryName(importer)?.Replace('\\', '/') ?? "") == folder;
        if (!(sameFolder || (parent.Length > 0 && (line.Contains(parent + "/" + stem, StringComparison.Ordinal) || line.Contains(parent + "." + stem, StringComparison.Ordinal)
            || line.Contains(parent + " import", StringComparison.Ordinal)))))
            return false;
        for (var at = line.IndexOf(stem, StringComparison.Ordinal); at >= 0; at = line.IndexOf(stem, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : line[at - 1];
            var end = at + stem.Length;
            var after = end >= line.Length ? ' ' : line[end];
            if (before is '/' or '.' or ' ' && after is '"' or '\'' or '`' or ' ' or ',' or ';' or ')' or '.') return true;
        }
        return false;
    }

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.GetDirectoryName(a), Path.GetDirectoryName(b), StringComparison.Ordinal);

    /// <summary>A line of a Go import block: a quoted path, perhaps after an alias (<c>pop3 "github.com/knadh/go-pop3"</c>).</summary>
    private static bool GoImportPath(ReadOnlySpan<char> line)
    {
        var quote = line.IndexOf('"');
        if (quote < 0 || line[^1] != '"' || line[(quote + 1)..^1].IndexOf('"') >= 0) return false;
        foreach (var c in line[..quote].TrimEnd())
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.')) return false;
        return true;
    }

    /// <summary>A call of a function of the package <paramref name="name"/> on the line: <c>mailbox.NewPOP(</c>.</summary>
    private static bool CallsInto(ReadOnlySpan<char> line, string name)
    {
        for (var at = line.IndexOf(name + "."); at >= 0; at = Next(line, at, name))
        {
            var rest = line[(at + name.Length + 1)..];
            var length = 0;
            while (length < rest.Length && (char.IsAsciiLetterOrDigit(rest[length]) || rest[length] == '_')) length++;
            if (length > 0 && (at == 0 || !(char.IsAsciiLetterOrDigit(line[at - 1]) || line[at - 1] is '_' or '.')) && rest[length..].TrimStart().StartsWith("(")) return true;
        }
        return false;

        static int Next(ReadOnlySpan<char> line, int at, string name)
        {
            var next = line[(at + 1)..].IndexOf(name + ".");
            return next < 0 ? -1 : at + 1 + next;
        }
    }

    /// <summary>
    /// The name a module goes by: its file name without the extension, or its folder's for an index file; in Go, where
    /// callers import a folder, the package's folder.
    /// </summary>
    private static string StemOf(string path)
    {
        if (path.EndsWith(".go", StringComparison.Ordinal) && Path.GetFileName(Path.GetDirectoryName(path)) is { Length: > 0 } package) return package;
        var name = Path.GetFileNameWithoutExtension(path);
        var dot = name.IndexOf('.');
        if (dot > 0) name = name[..dot];
        if (name is "index" or "__init__" or "mod")
        {
            var folder = Path.GetFileName(Path.GetDirectoryName(path) ?? "");
            if (folder.Length > 0) return folder;
        }
        return name;
    }

    private static bool InCode(SignalKind kind) => kind is SignalKind.Import or SignalKind.Code or SignalKind.ApiHost or SignalKind.OutboundCall or SignalKind.ConnectionString;
}
