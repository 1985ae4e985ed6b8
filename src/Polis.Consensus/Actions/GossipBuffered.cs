using Polis.Consensus.Events;

namespace Polis.Consensus.Actions;

/// <summary>
/// A proposal or vote that arrived before its height and is counted now that the height started:
/// keep it with the height's messages and gossip it on. Its sender may have sent it once, while
/// this validator's peers were still at an earlier height and dropped it; a Byzantine sender never
/// sends again, so without the relay the one honest validator that kept it would be the only one
/// to count it (a polka others can never see).
/// </summary>
public sealed record GossipBuffered(ConsensusEvent Message) : ConsensusAction;
