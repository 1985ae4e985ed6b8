using Polis.Core.Crypto;

namespace Polis.Consensus.Gossip;

/// <summary>
/// Messages of later heights seen at this height, each let through to the engine's bounded buffer
/// once (every copy would take a slot there), and each signer's only up to its share, so one
/// validator cannot fill the set and shut out the others'. Cleared at every new height. Shared by
/// the node's consensus reactor and the simulator. Threading: one owner.
/// </summary>
public sealed class LaterHeightMessages
{
    public const int MessagesMax = 50_000;
    /// <summary>Twice what the engine keeps of one sender for later heights (ConsensusOptions.FutureMessagesPerSenderMax).</summary>
    public const int PerSignerMax = 512;

    private readonly HashSet<Hash32> _seen = new();
    private readonly Dictionary<Address, int> _bySigner = new();

    public int Count => _seen.Count;

    /// <summary>True the first time <paramref name="id"/> is seen, while the set and the signer's share have room.</summary>
    public bool FirstSeen(in Hash32 id, Address signer)
    {
        int ofSigner = _bySigner.GetValueOrDefault(signer);
        if (_seen.Count >= MessagesMax || ofSigner >= PerSignerMax || !_seen.Add(id)) return false;
        _bySigner[signer] = ofSigner + 1;
        return true;
    }

    public void Clear()
    {
        _seen.Clear();
        _bySigner.Clear();
    }
}
