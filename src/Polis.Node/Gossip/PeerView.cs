using Polis.Consensus.Gossip;
using Polis.Network;

namespace Polis.Node.Gossip;

/// <summary>
/// What this node knows of one connected peer (<see cref="PeerGossipState"/>: its height, round and
/// the consensus messages it is known to have) and the connection to it. Owned by the node's loop;
/// rebuilt on every reconnect, so a peer that restarts gets everything again.
/// </summary>
public sealed class PeerView(Peer peer) : PeerGossipState
{
    public Peer Peer { get; } = peer;
}
