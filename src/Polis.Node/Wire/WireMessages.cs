using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Node.Wire;

/// <summary>What nodes say to each other, one message per frame; the first byte is the kind.</summary>
public abstract record WireMessage;

/// <summary>A signed proposal with the block it proposes (consensus channel).</summary>
public sealed record ProposalMessage(Proposal Proposal, Block Block) : WireMessage;
public sealed record VoteMessage(Vote Vote) : WireMessage;
/// <summary>The sender's last committed height and current round: peers use it to sync and to decide what to re-send.</summary>
public sealed record StatusMessage(ulong Height, int Round) : WireMessage;
/// <summary>"Send me the proposal of (height, round) for this block": the sender saw a quorum precommit a block it never received (consensus channel).</summary>
public sealed record ProposalWantedMessage(ulong Height, int Round, Hash32 BlockId) : WireMessage;
/// <summary>
/// "I hold a quorum of these votes for this block" (CometBFT's VoteSetMaj23; consensus channel):
/// the receiver then takes a conflicting vote for that block beyond its per-validator bound. Sent
/// with each status to peers at the sender's height that have not claimed it themselves.
/// </summary>
public sealed record QuorumClaimMessage(ulong Height, int Round, VoteType Type, Hash32 BlockId) : WireMessage;
/// <summary>A batch of transactions for the mempool (transactions channel).</summary>
public sealed record TxsMessage(IReadOnlyList<Transaction> Txs) : WireMessage;
/// <summary>
/// The sender's connected peers by node key (transactions channel): a transaction the sender
/// passed on went to each of them, so a receiver need not relay it to them again.
/// </summary>
public sealed record PeersMessage(IReadOnlyList<PublicKey> Peers) : WireMessage;
/// <summary>Asks for committed blocks From..From+Count-1 with their commits (sync channel).</summary>
public sealed record BlocksRequestMessage(ulong From, int Count) : WireMessage;
public sealed record BlockResponseMessage(Block Block, Commit Commit) : WireMessage;

public enum MessageKind : byte
{
    Proposal = 1,
    Vote = 2,
    Status = 3,
    ProposalWanted = 4,
    QuorumClaim = 5,
    Txs = 16,
    Peers = 17,
    BlocksRequest = 32,
    BlockResponse = 33,
}
