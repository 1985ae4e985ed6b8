using Polis.Core;
using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>
/// Where a module emits the events of what it is doing: one per transaction (kept only if the
/// transaction succeeds) and one per block hook. Bounded: a module that emits more than
/// <see cref="EventsMax"/> events for one transaction or hook, or an oversized one, breaks an
/// invariant of its own (events are derived from state changes it bounds).
/// </summary>
public sealed class EventLog
{
    public const int EventsMax = 1_024;
    private List<ModuleEvent>? _events;

    /// <summary>Records an event of <paramref name="module"/>.</summary>
    public void Emit(ModuleId module, string type, byte[] data)
    {
        Invariant.Check(type.Length is > 0 and <= ModuleEvent.TypeBytesMax && System.Text.Ascii.IsValid(type), $"event type '{type}' of module {module} is not 1..{ModuleEvent.TypeBytesMax} ASCII characters");
        Invariant.Check(data.Length <= ModuleEvent.DataBytesMax, $"event '{type}' of module {module} has {data.Length} bytes of data, more than {ModuleEvent.DataBytesMax}");
        _events ??= new List<ModuleEvent>(1);
        Invariant.Check(_events.Count < EventsMax, $"module {module} emitted more than {EventsMax} events at once");
        _events.Add(new ModuleEvent(module, type, data));
    }

    public int Count => _events?.Count ?? 0;

    /// <summary>The events emitted and not yet taken.</summary>
    public IReadOnlyList<ModuleEvent> Pending => (IReadOnlyList<ModuleEvent>?)_events ?? [];

    /// <summary>The events emitted so far, and an empty log for what comes next.</summary>
    public IReadOnlyList<ModuleEvent> Take()
    {
        if (_events is null || _events.Count == 0) return [];
        var taken = _events.ToArray();
        _events.Clear();
        return taken;
    }

    /// <summary>Forgets what was emitted (the transaction failed).</summary>
    public void Discard() => _events?.Clear();
}
