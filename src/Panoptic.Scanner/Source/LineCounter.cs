namespace Panoptic.Scanner.Source;

/// <summary>Turns offsets into 1-based line numbers, counting from the last question forward or back; offsets mostly arrive in order.</summary>
internal struct LineCounter
{
    private int _offset;
    private int _line;

    public int LineOf(ReadOnlySpan<char> text, int offset)
    {
        if (_line == 0) _line = 1;
        if (offset < _offset) _line -= text[offset.._offset].Count('\n');
        else _line += text[_offset..offset].Count('\n');
        _offset = offset;
        return _line;
    }
}
