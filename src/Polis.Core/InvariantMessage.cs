using System.Runtime.CompilerServices;

namespace Polis.Core;

/// <summary>Builds an invariant's message only when the invariant does not hold (the pattern of Debug.Assert's handler).</summary>
[InterpolatedStringHandler]
public ref struct InvariantMessage
{
    private DefaultInterpolatedStringHandler _text;
    private readonly bool _failed;

    public InvariantMessage(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
    {
        _failed = !condition;
        shouldAppend = _failed;
        _text = _failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);
    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);
    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);
    public void AppendFormatted(ReadOnlySpan<char> value) => _text.AppendFormatted(value);
    public void AppendFormatted(string? value) => _text.AppendFormatted(value);

    public string ToStringAndClear() => _failed ? _text.ToStringAndClear() : "";
}
