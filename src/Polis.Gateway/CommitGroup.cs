using Polis.Modules.Devices;
using Polis.Core.Crypto;

namespace Polis.Gateway;

/// <summary>
/// Verified readings of one submission (one MQTT message, one HTTP request) on their way through the
/// group commit, with the slots of the submission's outcomes they fill in. One completion per
/// submission, not per reading.
/// </summary>
internal sealed class CommitGroup(int capacity, ReadingOutcome[] outcomes)
{
    public readonly Reading[] Readings = new Reading[capacity];
    public readonly Hash32[] Leaves = new Hash32[capacity];
    public readonly int[] Slots = new int[capacity];
    public readonly ReadingOutcome[] Outcomes = outcomes;
    public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int Count;

    public void Add(Reading reading, Hash32 leaf, int slot)
    {
        Readings[Count] = reading;
        Leaves[Count] = leaf;
        Slots[Count] = slot;
        Count++;
    }

    public void SetAll(ReadingReason reason, string message)
    {
        for (int i = 0; i < Count; i++) Outcomes[Slots[i]] = new ReadingOutcome(reason, Readings[i].DeviceId, Readings[i].Sequence, message);
    }
}
