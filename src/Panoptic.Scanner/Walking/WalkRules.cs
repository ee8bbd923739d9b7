using System.Collections.Frozen;

namespace Panoptic.Scanner.Walking;

/// <summary>Names of folders and files a scan never reads: vendored code, build output, generated code, binaries.</summary>
internal static class WalkRules
{
    public static readonly FrozenSet<string> SkippedFolders = FrozenSet.ToFrozenSet(
    [
        ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", ".venv", "venv", ".virtualenv",
        "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "vendor", "bin", "obj",
        "dist", "build", "target", "out", ".next", ".nuxt", ".svelte-kit", ".turbo", ".gradle", ".idea", ".vs",
        ".vscode", ".terraform", "coverage", ".nyc_output", "Pods", ".yarn", ".pnpm-store", ".angular",
        ".parcel-cache", ".cache", ".eggs", "site-packages", "__generated__", "genproto", ".dart_tool",
    ], StringComparer.Ordinal);

    private static readonly string[] GeneratedSuffixes =
    [
        ".pb.go", "_pb2.py", "_pb2_grpc.py", "_pb2.pyi", ".pb.cc", ".pb.h", ".pb.ts", "_pb.js", "_pb.d.ts", "_grpc_pb.js",
        ".g.cs", ".designer.cs", ".generated.cs", ".min.js", ".min.css", ".map", ".bundle.js", ".chunk.js",
    ];

    public static readonly FrozenSet<string> Lockfiles = FrozenSet.ToFrozenSet(
    [
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock",
        "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "Cargo.lock", "go.sum", "composer.lock",
        "Gemfile.lock", "packages.lock.json", "gradle.lockfile", "mix.lock",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string> BinaryExtensions = FrozenSet.ToFrozenSet(
    [
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".avif", ".tif", ".tiff", ".psd", ".heic",
        ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar", ".war", ".ear", ".whl",
        ".dll", ".exe", ".so", ".dylib", ".a", ".o", ".obj", ".lib", ".class", ".pyc", ".pyo", ".wasm",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".mov", ".avi", ".webm", ".wav", ".ogg",
        ".flac", ".db", ".sqlite", ".sqlite3", ".bin", ".dat", ".pkl", ".npy", ".onnx", ".pt", ".parquet",
        ".snk", ".pfx", ".p12", ".keystore", ".nupkg", ".deb", ".rpm", ".dmg", ".iso", ".xlsx", ".docx", ".pptx",
    ], StringComparer.OrdinalIgnoreCase);

    public static bool IsGenerated(string path)
    {
        foreach (var suffix in GeneratedSuffixes)
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return path.Contains(".generated.", StringComparison.OrdinalIgnoreCase);
    }

    public static bool HasBinaryExtension(string name) => BinaryExtensions.Contains(Path.GetExtension(name));
}
