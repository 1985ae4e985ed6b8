using Polis.Consensus.Gossip;

namespace Polis.Simulation;

/// <summary>One simulated node's view of a connected peer: the node's gossip state (<see cref="PeerGossipState"/>), rebuilt on every reconnect.</summary>
public sealed class SimPeer(SimNode node) : PeerGossipState
{
    public SimNode Node { get; } = node;

    /// <summary>Every simulated peer is another validator's node, which an operator pins: its claims are trusted.</summary>
    public SimPeer Trusting()
    {
        Trusted = true;
        return this;
    }
}
