namespace Polis.Network.Dialing;

/// <summary>
/// Exponential redial delay: doubles from ReconnectMin up to ReconnectMax, each wait jittered by
/// ±25% (kept within those bounds) so nodes that lost each other at the same moment do not
/// redial in lockstep. Not thread-safe: one per dialer.
/// </summary>
internal sealed class Backoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private TimeSpan _step;

    public Backoff(TimeSpan min, TimeSpan max)
    {
        _min = min;
        _max = max;
        _step = min;
    }

    public void Reset() => _step = _min;

    public TimeSpan Next()
    {
        var step = _step;
        _step = step * 2 < _max ? step * 2 : _max;
        var jittered = step * (0.75 + 0.5 * Random.Shared.NextDouble());
        return jittered < _min ? _min : jittered > _max ? _max : jittered;
    }
}
