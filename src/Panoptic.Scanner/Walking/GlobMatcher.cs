using System.Buffers;

namespace Panoptic.Scanner.Walking;

/// <summary>
/// One glob compiled to a small automaton and run as a set of states, one step per path character: time is
/// pattern length × path length whatever the pattern holds. A regex per pattern backtracked exponentially on
/// `**/` repeated (twenty of them kept a scan busy for minutes on a 25-level tree).
/// </summary>
internal sealed class GlobMatcher
{
    private readonly Token[] _tokens;
    private readonly bool _ignoreCase;

    private GlobMatcher(Token[] tokens, bool ignoreCase)
    {
        _tokens = tokens;
        _ignoreCase = ignoreCase;
        if (tokens.All(static t => t.Kind == TokenKind.Char)) Literal = new string([.. tokens.Select(static t => t.Char)]);
    }

    /// <summary>The text the pattern stands for when it holds no wildcard, else null.</summary>
    public string? Literal { get; }

    /// <summary>Compiles a gitignore glob that must match a whole path ("**/" any folders, "*" and "?" within one name).</summary>
    public static GlobMatcher Compile(string glob, bool ignoreCase = false)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '*' when i + 1 < glob.Length && glob[i + 1] == '*':
                    var atStart = i == 0 || glob[i - 1] == '/';
                    var atEnd = i + 2 == glob.Length;
                    var slashAfter = i + 2 < glob.Length && glob[i + 2] == '/';
                    if (atStart && slashAfter) { AddAnyFolders(tokens); i += 2; }
                    else if (atStart && atEnd) { AddStar(tokens, TokenKind.AnyText); i += 1; }
                    else { AddStar(tokens, TokenKind.Star); i += 1; }
                    break;
                case '*': AddStar(tokens, TokenKind.Star); break;
                case '?': tokens.Add(new Token(TokenKind.AnyChar)); break;
                case '[':
                    var close = glob.IndexOf(']', i + 1);
                    if (close < 0) { tokens.Add(Token.Of('[')); break; }
                    var set = glob[(i + 1)..close];
                    var negated = set.StartsWith('!') || set.StartsWith('^');
                    tokens.Add(new Token(TokenKind.Class, Set: negated ? set[1..] : set, Negated: negated));
                    i = close;
                    break;
                case '\\' when i + 1 < glob.Length:
                    tokens.Add(Token.Of(glob[i + 1]));
                    i++;
                    break;
                default: tokens.Add(Token.Of(c)); break;
            }
        }
        return new GlobMatcher([.. tokens], ignoreCase);
    }

    public bool IsMatch(ReadOnlySpan<char> path)
    {
        if (Literal is not null) return _ignoreCase ? path.Equals(Literal, StringComparison.OrdinalIgnoreCase) : path.SequenceEqual(Literal);

        var count = _tokens.Length + 1;
        var rented = count > 128 ? ArrayPool<bool>.Shared.Rent(count * 2) : null;
        var rentedStack = count > 128 ? ArrayPool<int>.Shared.Rent(count * 2 + 1) : null;
        var buffer = rented is null ? stackalloc bool[count * 2] : rented.AsSpan(0, count * 2);
        var pending = rentedStack is null ? stackalloc int[count * 2 + 1] : rentedStack.AsSpan(0, count * 2 + 1);
        buffer.Clear();
        var current = buffer[..count];
        var next = buffer[count..];
        try
        {
            AddWithClosure(current, 0, pending);
            foreach (var c in path)
            {
                next.Clear();
                var alive = false;
                for (var i = 0; i < _tokens.Length; i++)
                {
                    if (!current[i]) continue;
                    var token = _tokens[i];
                    var target = token.Kind switch
                    {
                        TokenKind.Char => Same(token.Char, c) ? i + 1 : -1,
                        TokenKind.AnyChar => c != '/' ? i + 1 : -1,
                        TokenKind.Class => c != '/' && InClass(token, c) ? i + 1 : -1,
                        TokenKind.Star => c != '/' ? i : -1,
                        TokenKind.AnyText => i,
                        _ => -1,
                    };
                    if (target < 0) continue;
                    AddWithClosure(next, target, pending);
                    alive = true;
                }
                if (!alive) return false;
                var swap = current;
                current = next;
                next = swap;
            }
            return current[_tokens.Length];
        }
        finally
        {
            if (rented is not null) ArrayPool<bool>.Shared.Return(rented);
            if (rentedStack is not null) ArrayPool<int>.Shared.Return(rentedStack);
        }
    }

    // `**/` is "nothing, or any text ending in a slash": a jump over the two tokens that follow, then AnyText and '/'.
    private static void AddAnyFolders(List<Token> tokens)
    {
        tokens.Add(new Token(TokenKind.Skip, Jump: tokens.Count + 3));
        tokens.Add(new Token(TokenKind.AnyText));
        tokens.Add(Token.Of('/'));
    }

    // Runs of stars add nothing but states; one is enough.
    private static void AddStar(List<Token> tokens, TokenKind kind)
    {
        if (tokens.Count > 0 && tokens[^1].Kind == kind) return;
        tokens.Add(new Token(kind));
    }

    // Each state is marked once and pushes at most two others, so the stack never holds more than 2 × states + 1.
    private void AddWithClosure(Span<bool> states, int start, Span<int> pending)
    {
        var top = 0;
        pending[top++] = start;
        while (top > 0)
        {
            var i = pending[--top];
            if (states[i]) continue;
            states[i] = true;
            if (i == _tokens.Length) continue;
            var token = _tokens[i];
            if (token.Kind is TokenKind.Star or TokenKind.AnyText or TokenKind.Skip) pending[top++] = i + 1;
            if (token.Kind == TokenKind.Skip) pending[top++] = token.Jump;
        }
    }

    private bool Same(char expected, char actual) =>
        expected == actual || (_ignoreCase && char.ToLowerInvariant(expected) == char.ToLowerInvariant(actual));

    private bool InClass(Token token, char c)
    {
        var set = token.Set!;
        var found = false;
        for (var i = 0; i < set.Length && !found; i++)
        {
            var low = set[i];
            if (low == '\\' && i + 1 < set.Length) low = set[++i];
            if (i + 2 < set.Length && set[i + 1] == '-')
            {
                var high = set[i + 2];
                found = InRange(c, low, high) || (_ignoreCase && (InRange(char.ToLowerInvariant(c), low, high) || InRange(char.ToUpperInvariant(c), low, high)));
                i += 2;
            }
            else found = Same(low, c);
        }
        return found != token.Negated;
    }

    private static bool InRange(char c, char low, char high) => c >= low && c <= high;

    private enum TokenKind { Char, AnyChar, Class, Star, AnyText, Skip }

    private readonly record struct Token(TokenKind Kind, char Char = '\0', string? Set = null, bool Negated = false, int Jump = 0)
    {
        public static Token Of(char c) => new(TokenKind.Char, c);
    }
}
