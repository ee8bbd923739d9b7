using System.Text.RegularExpressions;

namespace Panoptic.Scanner.Source;

/// <summary>What a use of a technology in code depends on: the condition of the block around it.</summary>
internal readonly record struct GuardFound(string Text, bool Dev);

/// <summary>
/// Finds the condition a line of code runs under by walking up to the headers of the blocks around it (by
/// indentation, which every language the scanner reads keeps): an <c>if</c> over an env var, a setting or a flag, a
/// <c>case</c> of a switch over a provider setting, a ternary over an env var, a Python <c>try:</c> around an import.
/// A condition that tests only for development makes the use dev-only; one that tests for production guards nothing.
/// </summary>
internal static partial class Guards
{
    private const int MaxWalk = 400;
    private const int MaxText = 80;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static GuardFound? Find(CodeText code, int line, bool isImport)
    {
        var own = code.Line(line).Trim();
        if (Inline(own, code) is { } inline) return inline;
        var indent = code.Indent(line);
        if (indent < 0) return null;
        if (PatternArm(code, line) is { } patternArm) return patternArm;
        // A line that continues a ternary ("? [Provider()]", "&& new Client()") is guarded by the line that opens it.
        if (own.StartsWith("?") || own.StartsWith("&&") || own.StartsWith(":"))
        {
            var opener = Previous(code, line);
            if (opener > 0 && Judge(code.Line(opener).Trim().ToString(), negated: false, code) is { } found) return found;
        }
        // A line that continues a conjunction runs only when the lines before it hold:
        // "Debounce.enabled?() &&\n  !Debounce.disposable?(email) &&\n  Debounce.valid?(email)".
        for (int k = line, steps = 0; steps < 6; steps++)
        {
            var previous = Previous(code, k);
            if (previous <= 0) break;
            var text = code.Line(previous).Trim();
            var cut = text.EndsWith("&&") ? 2 : text.EndsWith(" and") ? 4 : 0;
            if (cut == 0) break;
            if (Judge(text[..^cut].ToString(), negated: false, code) is { } held) return held;
            k = previous;
        }
        // Top-level code has no block around it.
        if (indent == 0) return null;
        // A match arm ("\"Swoosh.Adapters.SMTP\" ->", "Backend::S3 =>") is a case of the match above it.
        string? caseLabel = Arm().Match(own.ToString()) is { Success: true } arm ? arm.Groups["v"].Value.Trim() : null;
        for (var k = line - 1; k >= 1 && line - k <= MaxWalk; k--)
        {
            var ind = code.Indent(k);
            if (ind < 0 || ind > indent) continue;
            if (ind == indent)
            {
                // A guard clause earlier in the same block: "if (!env.GOOGLE_ANALYTICS_ID) return children;".
                if (EarlyReturn(code, k) is { } early) return early;
                continue;
            }
            if (code.IsCommentOnly(k)) continue;
            indent = ind;
            var header = Header(code.Line(k));
            if (header.StartsWith(')') || header is "{" or ":" or "")
            {
                // The condition opened a few lines above: "if (\n  process.env.X\n) {".
                var opener = Opener(code, k, ind);
                // The whole condition, every line of it: "if(\n  config('captcha.enabled') ||\n  ...\n) {".
                if (opener > 0) header = string.Join(" ", Enumerable.Range(opener, k - opener).Select(n => Header(code.Line(n)))) + " " + header;
            }
            GuardFound? guard = null;
            if (ElseHeader().IsMatch(header))
            {
                // "else if (provider == "sqs")" says what it picks itself; a bare else is the other branch of its if.
                if (!header.StartsWith("else", StringComparison.Ordinal) || ElseIf().IsMatch(header)) guard = Judge(header, negated: false, code);
                var owner = guard is null ? OwningIf(code, k, ind) : 0;
                if (owner > 0) guard = Judge(Header(code.Line(owner)), negated: true, code);
            }
            else if (caseLabel is null && Arm().Match(header) is { Success: true } armHeader) caseLabel = armHeader.Groups["v"].Value.Trim();
            else if (caseLabel is not null && header.StartsWith("case ", StringComparison.Ordinal) && (header.EndsWith(" do", StringComparison.Ordinal) || !header.Contains(':', StringComparison.Ordinal)))
            {
                // Elixir's "case x do" and Ruby's "case x" own the arms below them.
                if (Selection(header, code)) return new($"`{Shorten(Condition(header[5..]))}` = {Shorten(caseLabel)}", false);
            }
            else if (CaseHeader().Match(header) is { Success: true } label)
            {
                caseLabel ??= label.Groups["v"].Value.Trim().TrimEnd(':').Trim();
                var selector = Switch(code, k, ind);
                if (selector > 0 && Selection(Header(code.Line(selector)), code)) return new($"`{Shorten(Condition(Header(code.Line(selector))))}` = {Shorten(caseLabel)}", false);
                // Go's tagless "switch {" makes each case its own condition: "case service == "ses" && a.bounce.SES != nil:".
                if (Tagless(code, k, ind) && Judge(label.Groups["v"].Value.Trim().TrimEnd(':'), negated: false, code) is { } tagless) return tagless;
            }
            else if (SwitchHeader().IsMatch(header) && caseLabel is not null)
            {
                if (Selection(header, code)) return new($"`{Shorten(Condition(header))}` = {Shorten(caseLabel)}", false);
            }
            else if (IfHeader().IsMatch(header) || header.Contains(" ? ", StringComparison.Ordinal) || header.EndsWith('?') || header.Contains("&&", StringComparison.Ordinal))
            {
                guard = Judge(header, negated: false, code);
            }
            else if (isImport && header is "try:" or "try" or "try {") return new("an import that may fail (try)", false);
            else if (AnnotationGuard().Match(header) is { Success: true } annotation) return new($"`{Shorten(annotation.Value)}`", annotation.Value.StartsWith("@Profile", StringComparison.Ordinal) && DevCondition().IsMatch(annotation.Value));
            if (guard is not null) return guard;
            if (ind == 0) break;
        }
        return null;
    }

    /// <summary>
    /// A guard clause over a setting: the code after it runs only when the setting is there. "if (!X) return ...",
    /// "if not settings.X:" over a lone "return", Ruby's "return unless X" and "return if X.blank?".
    /// </summary>
    private static GuardFound? EarlyReturn(CodeText code, int line)
    {
        var text = code.Line(line).Trim();
        if (text.StartsWith("abort_unless(") || text.StartsWith("abort_if(")) return Abort(code, line, text.StartsWith("abort_unless("));
        if (text.Length < 8 || !(text.StartsWith("if") || text.StartsWith("return") || text.StartsWith("unless"))) return null;
        var header = text.ToString();
        var match = ReturnClause().Match(header);
        string condition;
        // "return unless X" goes on when X holds; every other form goes on when its condition does not.
        var continuesWhenTrue = false;
        if (match.Success)
        {
            condition = match.Groups["c"].Value.Trim();
            continuesWhenTrue = header.StartsWith("unless", StringComparison.Ordinal) || header.Contains(" unless ", StringComparison.Ordinal);
        }
        else if (IfHeader().IsMatch(header) && !ElseHeader().IsMatch(header) && line + 1 <= code.LineCount && code.Line(line + 1).Trim().StartsWith("return")
            && (line + 2 > code.LineCount || code.Indent(line + 2) <= code.Indent(line)))
            condition = Condition(header);
        else return null;
        if (condition.Length == 0 || DevCondition().IsMatch(condition) || ProductionCondition().IsMatch(condition) || !Selection(condition, code)) return null;
        var positive = continuesWhenTrue ? condition
            : condition.StartsWith('!') ? condition[1..].Trim()
            : condition.StartsWith("not ", StringComparison.Ordinal) ? condition[4..].Trim()
            : Flipped(condition) ?? $"not {condition}";
        while (positive.Length > 1 && positive[0] == '(' && positive[^1] == ')') positive = positive[1..^1].Trim();
        return new($"`{Shorten(positive)}` (an early return otherwise)", false);
    }

    /// <summary>
    /// Laravel's <c>abort_unless(config('remote-auth.mastodon.enabled'), 404)</c>: the request ends (a 404 for a feature
    /// that is off) unless the setting holds, so the code after it runs only with the setting. The statement may span
    /// lines; its condition is the first argument.
    /// </summary>
    private static GuardFound? Abort(CodeText code, int line, bool unless)
    {
        var statement = new System.Text.StringBuilder();
        for (var k = line; k <= code.LineCount && k - line < 12; k++)
        {
            statement.Append(code.Line(k).Trim()).Append(' ');
            if (code.Line(k).TrimEnd().EndsWith(";")) break;
        }
        var text = statement.ToString();
        var open = text.IndexOf('(');
        var depth = 0;
        var end = -1;
        for (var i = open; i < text.Length && end < 0; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') { if (--depth == 0) end = i; }
            else if (text[i] == ',' && depth == 1) end = i;
        }
        if (end <= open) return null;
        var condition = text[(open + 1)..end].Trim();
        while (condition.Length > 1 && condition[0] == '(' && condition[^1] == ')') condition = condition[1..^1].Trim();
        if (condition.Length == 0 || DevCondition().IsMatch(condition) || ProductionCondition().IsMatch(condition) || !Selection(condition, code)) return null;
        return new($"`{Shorten(unless ? condition : $"not {condition}")}` (an abort otherwise)", false);
    }

    /// <summary>"a !== b" as "a === b" (and the other comparisons), when the condition is that one comparison.</summary>
    private static string? Flipped(string condition)
    {
        if (condition.Contains("&&", StringComparison.Ordinal) || condition.Contains("||", StringComparison.Ordinal) || condition.Contains(" and ", StringComparison.Ordinal) || condition.Contains(" or ", StringComparison.Ordinal)) return null;
        foreach (var (op, opposite) in (ReadOnlySpan<(string, string)>)[("!==", "==="), ("===", "!=="), ("!=", "=="), ("==", "!=")])
        {
            var at = condition.IndexOf(op, StringComparison.Ordinal);
            if (at > 0 && condition.IndexOf(op, at + op.Length, StringComparison.Ordinal) < 0) return condition[..at] + opposite + condition[(at + op.Length)..];
        }
        return null;
    }

    /// <summary>A condition on the line itself: "x = Client() if settings.USE_S3 else None", "...(env.GOOGLE_ID ? [Google()] : [])".</summary>
    private static GuardFound? Inline(ReadOnlySpan<char> line, CodeText code)
    {
        // Cheap tests first: most lines hold none of these.
        var question = line.IndexOf(" ? ", StringComparison.Ordinal);
        var and = line.IndexOf("&&", StringComparison.Ordinal);
        var trailing = line.IndexOf(" if ", StringComparison.Ordinal) >= 0 || line.IndexOf(" unless ", StringComparison.Ordinal) >= 0;
        var opens = IfHeader().IsMatch(line);
        if (!opens && question < 0 && and < 0 && !trailing) return null;
        var text = line.ToString();
        if (opens) return Judge(text, negated: false, code);
        if (question > 0 && Judge(text[..question], negated: false, code) is { } ternary) return ternary;
        if (and > 0 && Judge(text[..and], negated: false, code) is { } both) return both;
        if (!trailing) return null;
        var match = TrailingIf().Match(text);
        return match.Success ? Judge(match.Groups["c"].Value, negated: false, code) : null;
    }

    /// <summary>What a condition means for the code it guards: dev-only, production (no guard) or a selection.</summary>
    private static GuardFound? Judge(string header, bool negated, CodeText code)
    {
        var condition = Condition(header);
        if (condition.Length == 0 || condition.Contains("__name__", StringComparison.Ordinal)) return null;
        // A lazily built singleton ("if (!InngestJobProvider._instance)") is made on first use, whatever the settings.
        if (Singleton().IsMatch(condition)) return null;
        var dev = DevCondition().IsMatch(condition);
        var production = !dev && ProductionCondition().IsMatch(condition);
        // "isProd && cloudMode": production and a setting; the setting decides.
        if (production && !negated && SettingBeside(condition, code)) return new($"`{Shorten(condition)}`", false);
        if (dev || production)
        {
            // The else branch of "if development" is the production path, and the other way round.
            var isDev = dev != negated;
            return isDev ? new($"`{Shorten(condition)}`", true) : null;
        }
        if (!Selection(condition, code)) return null;
        // "if (!config('services.disable_services'))": a kill switch that is off by default guards nothing.
        if (!negated && KillSwitch().IsMatch(condition)) return null;
        return new(negated ? $"the else branch of `{Shorten(condition)}`" : $"`{Shorten(condition)}`", false);
    }

    /// <summary>
    /// A condition over a setting: a settings term (<see cref="SelectionTerms"/>), or a name the file assigns from an
    /// env var (<c>const cloudMode = process.env.CLOUD_MODE</c>, then <c>if (cloudMode)</c>).
    /// </summary>
    private static bool Selection(string condition, CodeText code)
    {
        if (SelectionTerms().IsMatch(condition)) return true;
        var names = code.SettingNames;
        if (names.Count == 0) return false;
        foreach (var word in Word().EnumerateMatches(condition))
            if (names.Contains(condition.Substring(word.Index, word.Length))) return true;
        return false;
    }

    /// <summary>A conjunction that holds a production check and, beside it, a setting: <c>isProd &amp;&amp; cloudMode</c>.</summary>
    private static bool SettingBeside(string condition, CodeText code)
    {
        if (!condition.Contains("&&", StringComparison.Ordinal) && !condition.Contains(" and ", StringComparison.Ordinal)) return false;
        foreach (var part in condition.Split(["&&", " and "], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith('!') || part.StartsWith("not ", StringComparison.Ordinal) || ProductionCondition().IsMatch(part) || DevCondition().IsMatch(part)) continue;
            if (Selection(part, code) && !KillSwitch().IsMatch(part)) return true;
        }
        return false;
    }

    [GeneratedRegex(@"[A-Za-z_$][\w$]*")]
    private static partial Regex Word();

    private static string Header(ReadOnlySpan<char> line) => line.Trim().TrimStart('}').Trim().ToString();

    /// <summary>The condition of a header: "if (x) {" → "x", "elif settings.A:" → "settings.A".</summary>
    private static string Condition(string header)
    {
        var text = ConditionKeyword().Replace(header, "", 1).Trim();
        text = text.TrimEnd('{', ':').Trim();
        if (text.EndsWith(" then", StringComparison.Ordinal)) text = text[..^5];
        if (text.EndsWith(" do", StringComparison.Ordinal)) text = text[..^3];
        while (text.Length > 1 && text[0] == '(' && text[^1] == ')') text = text[1..^1].Trim();
        return text;
    }

    private static string Shorten(string text) => text.Length <= MaxText ? text : text[..(MaxText - 1)] + "…";

    private static int Previous(CodeText code, int line)
    {
        for (var k = line - 1; k >= 1 && line - k <= 3; k--)
        {
            if (code.Indent(k) >= 0 && !code.IsCommentOnly(k)) return k;
        }
        return 0;
    }

    private static int Opener(CodeText code, int line, int indent)
    {
        for (var k = line - 1; k >= 1 && line - k <= 10; k--)
        {
            var ind = code.Indent(k);
            if (ind < 0) continue;
            if (ind < indent) return 0;
            if (ind == indent) return IfHeader().IsMatch(Header(code.Line(k))) || SwitchHeader().IsMatch(Header(code.Line(k))) ? k : 0;
        }
        return 0;
    }

    /// <summary>The "if" an else (or elif) belongs to: the nearest line above at the same indentation that opens the chain.</summary>
    private static int OwningIf(CodeText code, int line, int indent)
    {
        for (var k = line - 1; k >= 1 && line - k <= MaxWalk; k--)
        {
            var ind = code.Indent(k);
            if (ind < 0 || ind > indent) continue;
            if (ind < indent) return 0;
            var header = Header(code.Line(k));
            if (IfHeader().IsMatch(header) && !ElseHeader().IsMatch(header)) return k;
        }
        return 0;
    }

    /// <summary>Whether the case on this line belongs to a Go "switch {" (or "switch true {"), past the cases above it.</summary>
    private static bool Tagless(CodeText code, int line, int indent)
    {
        for (var k = line - 1; k >= 1 && line - k <= MaxWalk; k--)
        {
            var ind = code.Indent(k);
            if (ind < 0 || ind > indent || code.IsCommentOnly(k)) continue;
            var header = Header(code.Line(k));
            if (header.StartsWith("case ", StringComparison.Ordinal) || header.StartsWith("default:", StringComparison.Ordinal)) continue;
            return header is "switch {" or "switch true {";
        }
        return false;
    }

    /// <summary>The switch a case belongs to: above, at the same indentation (Go, C#) or less.</summary>
    private static int Switch(CodeText code, int line, int indent)
    {
        for (var k = line - 1; k >= 1 && line - k <= MaxWalk; k--)
        {
            var ind = code.Indent(k);
            if (ind < 0 || ind > indent) continue;
            var header = Header(code.Line(k));
            // A sibling label ("case \"sqlite\":") sits between a later case and its switch; Ruby's "case x" owns its arms.
            if (header.StartsWith("case ", StringComparison.Ordinal) && header.EndsWith(':')) continue;
            if (SwitchHeader().IsMatch(header)) return k;
            if (ind < indent - 8) return 0;
        }
        return 0;
    }

    [GeneratedRegex(@"^if\s*\((?<c>.+)\)\s*\{?\s*return\b|^return\b[^#]*?\s(?:unless|if)\s+(?<c>.+)$|^unless\s+(?<c>.+?)\s*;?\s*return\b")]
    private static partial Regex ReturnClause();

    [GeneratedRegex(@"^(?:if|elif|elsif|else\s+if|unless|when|while)\b|^if\(")]
    private static partial Regex IfHeader();

    [GeneratedRegex(@"^(?<v>[""'\w:.{}, |-]+?)\s*(?:->|=>)\s*(?:\{|do)?\s*$")]
    private static partial Regex Arm();

    [GeneratedRegex(@"^(?:else\b|elif\b|elsif\b|else\s+if\b)")]
    private static partial Regex ElseHeader();

    [GeneratedRegex(@"^else\s+if\b")]
    private static partial Regex ElseIf();

    [GeneratedRegex(@"^(?:case|when)\s+(?<v>[^:{]+?)\s*(?::|=>|->|then|\{|$)")]
    private static partial Regex CaseHeader();

    [GeneratedRegex(@"^(?:switch|match|select|case)\b.*\S|^(?:[\w.]+\s*=\s*)?match\b|\bswitch\s*\(|^(?:var|val|const|let)?\s*\w+\s*=\s*(?:case|when)\b")]
    private static partial Regex SwitchHeader();

    [GeneratedRegex(@"^(?:\}\s*)?(?:if|elif|elsif|else\s+if|else|unless|when|while|switch|match|select)\b\s*")]
    private static partial Regex ConditionKeyword();

    [GeneratedRegex(@"\s(?:if|unless)\s+(?<c>.+?)(?:\s+else\b.*)?$")]
    private static partial Regex TrailingIf();

    [GeneratedRegex(@"@(?:ConditionalOn(?:Property|Bean|Class|Expression)|Profile)\s*\([^)]*\)")]
    private static partial Regex AnnotationGuard();

    [GeneratedRegex(@"IsDevelopment\(|IsLocal\w*\(|\bDEBUG\b|\bdebug\b|['""](?:development|dev|local)['""]|Rails\.env\.(?:development|test)\?|__DEV__|\bisDev\w*\b|NODE_ENV\s*!==?\s*['""]production|IsEnvironment\(\s*['""]Development")]
    private static partial Regex DevCondition();

    [GeneratedRegex(@"(?:!\s*|\bnot\s+|\bunless\s+)[\w.$>:\[\]('""-]*(?i:disable|disabled|skip|kill)")]
    private static partial Regex KillSwitch();

    [GeneratedRegex(@"IsProduction\(|['""](?:production|prod)['""]|Rails\.env\.production\?|\bisProd\w*\b")]
    private static partial Regex ProductionCondition();

    [GeneratedRegex(@"process\.env|import\.meta\.env|\bos\.environ|getenv\b|\bENV\[|\bENV\.fetch|\benv\(|\benv\.|\bEnvironment\.GetEnvironmentVariable|System\.getenv|System\.get_env|Application\.get_env|env::var|Deno\.env|Bun\.env"
        + @"|\b(?:settings|config|configuration|conf|cfg|options|opts|features?|flags?|toggles?|Configuration|Settings|Config|CONFIG|SETTINGS|app\.config)\s*[.\[(]"
        // A configured integration's own record: "if (integration.service !== IntegrationService.Matomo) return;".
        + @"|\bintegrations?\.(?:service|type|kind|provider|name|settings)\b"
        + @"|\b(?:use|enable|enabled)[A-Z_]\w*|\b\w+(?:_ENABLED|_ENABLE|Enabled|_BACKEND|Backend|_PROVIDER|Provider|_DRIVER|Driver|_STORAGE|_MAILER|Mailer|_TRANSPORT)\b"
        + @"|\b(?i:backend|provider|driver|storage|mailer|transport|engine|adapter|vendor|strategy|storage_type|storageType)\b|\b\w+_(?:adapter|backend|provider|driver|mailer|storage)\b|\b[A-Z][A-Z0-9]+_[A-Z0-9_]+\b|\bfeature_enabled\b|IsEnabled\(|isEnabled\(|is_enabled\(|\b\w*enabled\?|\bflipper\b|Flipper\."
        // An optional client configured only when enabled: "a.bounce.SES != nil", "self.storage is not None" (a member, never "err != nil").
        + @"|\b\w+\.[\w.]*[A-Za-z]\w*\s*!=\s*nil\b|\bself\.\w+\s+is\s+not\s+None\b"
        + @"|IsNullOrEmpty\([\w.]*(?:Key|Secret|Token|ConnectionString|Dsn|Host|Url|Id)\)|IsNullOrWhiteSpace\([\w.]*(?:Key|Secret|Token|ConnectionString|Dsn|Host|Url|Id)\)|\b\w+(?:Options|Settings)\.\w+")]
    private static partial Regex SelectionTerms();

    [GeneratedRegex(@"^!?\s*(?:this|self|static|[A-Z]\w*)(?:\.|::)_{0,2}(?i:instance|singleton|shared|default_instance)\b\s*(?:(?:===?|!==?|is)\s*(?:null|undefined|nil|None|not\s+None))?\s*$")]
    private static partial Regex Singleton();
}
