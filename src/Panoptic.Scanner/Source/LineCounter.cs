namespace Panoptic.Scanner.Source;

/// <summary>Turns offsets into 1-based line numbers, counting forward from the last question; offsets mostly arrive in order.</summary>
internal sealed class LineCounter(string text)
{
    private int _offset;
    private int _line = 1;

    public int LineOf(int offset)
    {
        if (offset < _offset)
        {
            _offset = 0;
            _line = 1;
        }
        _line += text.AsSpan(_offset, offset - _offset).Count('\n');
        _offset = offset;
        return _line;
    }
}
