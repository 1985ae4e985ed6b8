using Polis.Consensus.Gossip;

namespace Polis.Simulation;

/// <summary>One simulated node's view of a connected peer: the node's gossip state (<see cref="PeerGossipState"/>), rebuilt on every reconnect.</summary>
public sealed class SimPeer(SimNode node) : PeerGossipState
{
    public SimNode Node { get; } = node;
}
