namespace Panoptic.Scanner.Source;

/// <summary>Turns offsets into 1-based line numbers, counting from the last question forward or back; offsets mostly arrive in order.</summary>
internal sealed class LineCounter(string text)
{
    private int _offset;
    private int _line = 1;

    public int LineOf(int offset)
    {
        if (offset < _offset) _line -= text.AsSpan(offset, _offset - offset).Count('\n');
        else _line += text.AsSpan(_offset, offset - _offset).Count('\n');
        _offset = offset;
        return _line;
    }
}
