using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Network;

namespace Polis.Node;

/// <summary>Everything the node's loop reacts to. Peers' messages arrive already decoded and signature-checked.</summary>
internal abstract record LoopInput;

internal sealed record EngineInput(ConsensusEvent Event) : LoopInput;
internal sealed record PeerProposal(Peer From, Proposal Proposal, Block Block, Hash32 Id, byte[] Encoded) : LoopInput;
internal sealed record PeerVote(Peer From, Vote Vote, Hash32 Id, byte[] Encoded) : LoopInput;
internal sealed record PeerHas(Peer From, Hash32 Id) : LoopInput;
internal sealed record PeerStatus(Peer From, ulong Height, int Round) : LoopInput;
/// <summary>A peer lacks the proposal of (height, round) for a block it saw a quorum precommit.</summary>
internal sealed record PeerWantsProposal(Peer From, ulong Height, int Round, Hash32 BlockId) : LoopInput;
/// <summary>A peer claims a quorum of (height, round, type) votes for a block (unproven: it only lets a conflicting vote for the block in).</summary>
internal sealed record PeerClaimsQuorum(Peer From, ulong Height, int Round, VoteType Type, Hash32 BlockId) : LoopInput;
/// <summary>A fetched block and its commit, both checked; <paramref name="Bytes"/> is what it holds in memory (its transactions' encodings and a header's worth).</summary>
internal sealed record PeerBlock(Peer From, Block Block, Commit Commit, long Bytes) : LoopInput;
internal sealed record PeerConnected(Peer Peer) : LoopInput;
internal sealed record PeerDisconnected(Peer Peer) : LoopInput;
/// <summary>A vote read back from the WAL after a restart.</summary>
internal sealed record ReplayedVote(Vote Vote) : LoopInput;
/// <summary>A proposer that waited for transactions builds its block now.</summary>
internal sealed record BuildNow(ulong Height, int Round) : LoopInput;
/// <summary>Periodic: status to peers, re-sending what they lack, block sync.</summary>
internal sealed record GossipTick : LoopInput;
