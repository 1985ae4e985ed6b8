using Polis.Network;

namespace Polis.Node.Gossip;

/// <summary>
/// The connected peers as the loop tracks them: each one's reported height and round and what it
/// is known to have. Threading: the loop only.
/// </summary>
internal sealed class PeerTable
{
    private readonly Dictionary<Peer, PeerView> _views = new();

    public int Count => _views.Count;
    public IEnumerable<PeerView> Views => _views.Values;
    public IEnumerable<Peer> Peers => _views.Keys;

    /// <summary>The pinned persistent peers' keys: their views are trusted with quorum claims (<see cref="Polis.Consensus.Gossip.PeerGossipState.Trusted"/>).</summary>
    public IReadOnlySet<Polis.Core.Crypto.PublicKey> Pinned { get; set; } = new HashSet<Polis.Core.Crypto.PublicKey>();

    public void Add(Peer peer) => _views[peer] = new PeerView(peer) { Trusted = Pinned.Contains(peer.Key) };
    public void Remove(Peer peer) => _views.Remove(peer);
    public bool Contains(Peer peer) => _views.ContainsKey(peer);
    public bool TryGet(Peer peer, out PeerView view) => _views.TryGetValue(peer, out view!);

    /// <summary>The highest height a peer reported (0 when none has).</summary>
    public ulong BestHeight
    {
        get
        {
            ulong best = 0;
            foreach (var view in _views.Values) if (view.Height is { } h && h > best) best = h;
            return best;
        }
    }

}
