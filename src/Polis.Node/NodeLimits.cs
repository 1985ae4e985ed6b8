using Polis.Core;

namespace Polis.Node;

/// <summary>
/// Every bound of the node's components in one place, unit last. Protocol limits (block and
/// transaction sizes) are Core's <see cref="Limits"/>; the engine's own are its options.
/// </summary>
public static class NodeLimits
{
    // The loop's inbox.
    /// <summary>Signed peer messages (proposals, votes, fetched blocks) waiting for the loop; past this they are dropped (peers re-send, sync re-requests). Strangers share half.</summary>
    public const int PeerInputsQueuedMax = 50_000;
    /// <summary>Bytes of peer proposals and blocks waiting for the loop; past this, more are dropped. Strangers share half.</summary>
    public const long PeerInputBytesQueuedMax = 256L * 1024 * 1024;
    /// <summary>Of those, what one peer may have waiting: a flooding peer fills its own share only.</summary>
    public const int PeerInputsQueuedPerPeerMax = 8_192;
    public const long PeerInputBytesQueuedPerPeerMax = 64L * 1024 * 1024;
    /// <summary>Unsigned claims (status, has, wants) one peer may have waiting: the loop reads a peer's latest status, so more only repeat it.</summary>
    public const int PeerUnsignedInputsQueuedMax = 64;
    /// <summary>Unsigned claims of all peers waiting; counted apart from the signed messages, which they can never crowd out.</summary>
    public const int PeerUnsignedInputsQueuedTotalMax = 10_000;

    // Consensus.
    /// <summary>A proposal whose time is further ahead of our clock than this is not valid.</summary>
    public const long ClockDriftMaxMs = 10_000;
    /// <summary>Evidence of double signing kept for the next blocks (a block carries at most as many).</summary>
    public const int EvidencePendingMax = Limits.BlockEvidenceMax;
    /// <summary>Proposals already decoded and checked at this height, by id; a relayed copy is not decoded again.</summary>
    public const int ProposalsSeenMax = 10_000;

    // Gossip.
    /// <summary>The gossip tick: status, re-sending what peers lack, block sync.</summary>
    public const int GossipTickMs = 250;
    // The consensus gossip's own bounds and back-off are ConsensusGossip's (shared with the simulator).

    // Block sync.
    /// <summary>Blocks asked for in one request.</summary>
    public const int SyncRequestBlocksMax = 32;
    /// <summary>Fetched blocks waiting for their turn.</summary>
    public const int SyncBufferBlocksMax = 256;
    /// <summary>Bytes of fetched blocks waiting for their turn; the next request waits below this.</summary>
    public const long SyncBufferBytesMax = 64L * 1024 * 1024;
    /// <summary>After this long without an answer a request goes to another peer.</summary>
    public const int SyncRequestTimeoutMs = 4_000;
    /// <summary>Block requests in a row a peer may leave wholly unanswered (its claimed height not shown) before it is disconnected.</summary>
    public const int SyncUnansweredMax = 3;

    // Transactions.
    /// <summary>Transactions waiting for admission at most: a few blocks' worth; beyond it clients are told the node is busy.</summary>
    public const int AdmissionPendingTxsMax = 20_000;
    /// <summary>Signatures of a block checked per work item when a block's transactions are checked on every core.</summary>
    public const int VerifyChunkTxs = 32;
    /// <summary>How often admitted transactions are sent on to peers.</summary>
    public const int TxGossipIntervalMs = 10;
    /// <summary>Bytes of transactions in one gossip frame.</summary>
    public const int TxGossipFrameBytesMax = 512 * 1024;
    /// <summary>Admitted transactions waiting to be gossiped; past this, more are not gossiped (they still reach peers in blocks).</summary>
    public const int TxOutboxTxsMax = 500_000;
}
