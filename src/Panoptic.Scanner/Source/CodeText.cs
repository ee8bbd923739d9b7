using Panoptic.Scanner.Catalog;

namespace Panoptic.Scanner.Source;

/// <summary>How a file writes its comments.</summary>
internal enum CommentStyle
{
    None,
    /// <summary><c>//</c> and <c>/* */</c>: JavaScript, C#, Go, Java, Kotlin, Rust.</summary>
    CLike,
    /// <summary><c>#</c> anywhere outside a string: Python, Ruby, shell, Elixir.</summary>
    Hash,
    /// <summary><c>#</c> at the start of a line or after blanks: YAML, TOML, .env, Dockerfile, properties, INI.</summary>
    HashAfterBlank,
    /// <summary><c>//</c>, <c>#</c> and <c>/* */</c>: PHP, Terraform/HCL.</summary>
    CLikeAndHash,
}

/// <summary>
/// A file's text with its line starts, asked questions a line at a time: is this spot inside a comment, what is this
/// line's indentation. Built only for files that produced evidence, so the cost is one pass over those files.
/// </summary>
internal sealed class CodeText : IDisposable
{
    // The caller's pooled buffer: a CodeText lives only while its file is analyzed, so the text is never copied.
    private readonly ReadOnlyMemory<char> _memory;
    // Line starts in a pooled array, returned on Dispose: every file with evidence builds one.
    private int[] _starts;
    private int _count;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public CodeText(ReadOnlyMemory<char> text, CommentStyle style)
    {
        _memory = text;
        Style = style;
        var span = text.Span;
        _starts = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(16, span.Length / 32));
        _starts[_count++] = 0;
        var at = 0;
        int next;
        while ((next = span[at..].IndexOf('\n')) >= 0)
        {
            at += next + 1;
            if (_count == _starts.Length) Grow();
            _starts[_count++] = at;
        }
    }

    private void Grow()
    {
        var larger = System.Buffers.ArrayPool<int>.Shared.Rent(_starts.Length * 2);
        _starts.AsSpan(0, _count).CopyTo(larger);
        System.Buffers.ArrayPool<int>.Shared.Return(_starts);
        _starts = larger;
    }

    public void Dispose()
    {
        if (_starts.Length == 0) return;
        System.Buffers.ArrayPool<int>.Shared.Return(_starts);
        _starts = [];
        _count = 0;
    }

    private HashSet<string>? _settingNames;

    /// <summary>Names the file assigns from an env var (<see cref="SettingAliases"/>), found on first use.</summary>
    public HashSet<string> SettingNames => _settingNames ??= SettingAliases.Find(Text);

    public CommentStyle Style { get; }
    public ReadOnlySpan<char> Text => _memory.Span;
    private ReadOnlySpan<char> _text => _memory.Span;
    public int LineCount => _count;

    /// <summary>The 1-based line, without its line break.</summary>
    public ReadOnlySpan<char> Line(int number)
    {
        if (number < 1 || number > _count) return [];
        var start = _starts[number - 1];
        var end = number < _count ? _starts[number] - 1 : _text.Length;
        if (end > start && _text[end - 1] == '\r') end--;
        return _text.Slice(start, Math.Max(0, end - start));
    }

    /// <summary>Where the 1-based line starts in the text.</summary>
    public int OffsetOfLine(int number) => number >= 1 && number <= _count ? _starts[number - 1] : 0;

    public int LineOfOffset(int offset)
    {
        var index = Array.BinarySearch(_starts, 0, _count, offset);
        return index >= 0 ? index + 1 : ~index;
    }

    /// <summary>Leading blanks, a tab counting as four; -1 for a blank line.</summary>
    public int Indent(int number)
    {
        var line = Line(number);
        var indent = 0;
        foreach (var c in line)
        {
            if (c == ' ') indent++;
            else if (c == '\t') indent += 4;
            else return indent;
        }
        return -1;
    }

    /// <summary>True when the line holds nothing but a comment (or continues a block comment).</summary>
    public bool IsCommentOnly(int number)
    {
        // Only the line's own opening: the header walk asks this of many lines, and a block comment's lines start with '*'.
        var line = Line(number).TrimStart();
        if (line.IsEmpty) return false;
        return Style switch
        {
            CommentStyle.CLike => line.StartsWith("//") || line.StartsWith("/*") || line.StartsWith("*"),
            CommentStyle.CLikeAndHash => line.StartsWith("//") || line.StartsWith("/*") || line.StartsWith("*") || (line[0] == '#' && !line.StartsWith("#[")),
            CommentStyle.Hash or CommentStyle.HashAfterBlank => line[0] == '#',
            _ => false,
        };
    }

    /// <summary>True when <paramref name="needle"/> (or, when absent, the line's first character) sits inside a comment on the line.</summary>
    public bool IsCommented(int number, string? needle)
    {
        var line = Line(number);
        var position = needle is { Length: > 0 } ? line.IndexOf(needle, StringComparison.OrdinalIgnoreCase) : -1;
        // Without the needle, a comment token opening the line decides.
        if (position < 0) position = Math.Min(line.Length, line.Length - line.TrimStart().Length + 2);
        return CommentedAt(number, position);
    }

    private bool CommentedAt(int number, int position)
    {
        if (Style == CommentStyle.None) return false;
        var line = Line(number);
        if (LineComment(line, position)) return true;
        return Style is CommentStyle.CLike or CommentStyle.CLikeAndHash && InBlockComment(_starts[number - 1] + position);
    }

    /// <summary>Walks the line up to <paramref name="position"/> keeping track of strings; true when a comment opens before it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private bool LineComment(ReadOnlySpan<char> line, int position)
    {
        var quote = '\0';
        var end = Math.Min(position, line.Length);
        for (var i = 0; i < end; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == '\\') i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            if (c is '"' or '`' || (c == '\'' && QuotesWithApostrophe)) { quote = c; continue; }
            var slashes = Style is CommentStyle.CLike or CommentStyle.CLikeAndHash;
            if (slashes && c == '/' && i + 1 < line.Length && line[i + 1] == '/' && (i == 0 || line[i - 1] != ':')) return true;
            if (slashes && c == '/' && i + 1 < line.Length && line[i + 1] == '*')
            {
                var close = line[(i + 2)..].IndexOf("*/");
                if (close < 0 || i + 2 + close + 2 > position) return true;
                i += close + 3;
                continue;
            }
            if (c == '#' && Style is CommentStyle.Hash or CommentStyle.CLikeAndHash && (Style == CommentStyle.Hash || i + 1 >= line.Length || line[i + 1] != '[')) return true;
            if (c == '#' && Style == CommentStyle.HashAfterBlank && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return true;
        }
        return false;
    }

    // Rust lifetimes ('a) and English in YAML values would open strings that never close.
    private bool QuotesWithApostrophe => Style is CommentStyle.Hash or CommentStyle.CLikeAndHash;

    /// <summary>True when the offset lies inside a block comment (the file's block comments are found once, on first question).</summary>
    private bool InBlockComment(int offset)
    {
        var blocks = _blocks ??= BlockComments();
        int lo = 0, hi = blocks.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (blocks[mid].End <= offset) lo = mid + 1;
            else if (blocks[mid].Start >= offset) hi = mid - 1;
            else return true;
        }
        return false;
    }

    private List<(int Start, int End)>? _blocks;

    /// <summary>Every "/* ... */" of the file, leaving out "/*" inside strings ("*/*", "src/**/*.ts") or after a line comment.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private List<(int Start, int End)> BlockComments()
    {
        var blocks = new List<(int, int)>();
        var at = 0;
        while (at < _text.Length)
        {
            var found = _text[at..].IndexOf("/*");
            if (found < 0) break;
            var open = at + found;
            var number = LineOfOffset(open + 1);
            var line = Line(number);
            var column = open - _starts[number - 1];
            if (InString(line, column) || LineComment(line, column))
            {
                at = open + 2;
                continue;
            }
            var close = _text[(open + 2)..].IndexOf("*/");
            var end = close < 0 ? _text.Length : open + 2 + close + 2;
            blocks.Add((open, end));
            at = end;
        }
        return blocks;
    }

    private bool InString(ReadOnlySpan<char> line, int position)
    {
        var quote = '\0';
        for (var i = 0; i < Math.Min(position, line.Length); i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == '\\') i++;
                else if (c == quote) quote = '\0';
            }
            else if (c is '"' or '`' || (c == '\'' && QuotesWithApostrophe)) quote = c;
        }
        return quote != '\0';
    }

    /// <summary>True when the <paramref name="length"/> characters at <paramref name="at"/> are a whole identifier, not part of a longer one.</summary>
    public static bool IsWordAt(ReadOnlySpan<char> text, int at, int length) =>
        (at == 0 || !(char.IsLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '$'))
        && (at + length >= text.Length || !(char.IsLetterOrDigit(text[at + length]) || text[at + length] is '_' or '$'));

    /// <summary>An import, using, use or require line of any language the scanner reads.</summary>
    public static bool IsImportLine(ReadOnlySpan<char> line)
    {
        var t = line.TrimStart();
        return t.StartsWith("import ") || t.StartsWith("from ") || t.StartsWith("using ") || t.StartsWith("use ") || t.StartsWith("require");
    }

    public static CommentStyle StyleOf(string name, SourceLanguage? language)
    {
        switch (language)
        {
            case SourceLanguage.Python or SourceLanguage.Ruby: return CommentStyle.Hash;
            case SourceLanguage.Php: return CommentStyle.CLikeAndHash;
            case not null: return CommentStyle.CLike;
        }
        var lower = name.ToLowerInvariant();
        var ext = Path.GetExtension(lower);
        // A template is commented as the file it becomes: local_settings.py.example as Python, database.yml.sample as YAML.
        if (ext is ".example" or ".sample" or ".dist" or ".template" && Path.GetFileNameWithoutExtension(lower) is var inner && Path.GetExtension(inner).Length > 0)
            return StyleOf(inner, SourceFiles.LanguageOf(inner));
        if (ext is ".tf" or ".hcl" or ".tfvars") return CommentStyle.CLikeAndHash;
        if (ext is ".ex" or ".exs" or ".sh" or ".bash" or ".zsh" or ".pl" or ".r") return CommentStyle.Hash;
        if (ext is ".yml" or ".yaml" or ".toml" or ".properties" or ".ini" or ".cfg" or ".conf" or ".env" or ".in"
            || lower.StartsWith(".env", StringComparison.Ordinal) || lower is "dockerfile" or "containerfile" or "procfile" or "makefile" or "gemfile" or "config"
            || lower.StartsWith("dockerfile", StringComparison.Ordinal) || lower.StartsWith("requirements", StringComparison.Ordinal))
            return CommentStyle.HashAfterBlank;
        if (ext is ".gradle" or ".kts" or ".swift" or ".scala" or ".dart" or ".bicep" or ".jsonc") return CommentStyle.CLike;
        return CommentStyle.None;
    }
}
