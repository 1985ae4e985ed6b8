namespace Polis.Consensus;

/// <summary>What adding a vote to a <see cref="VoteSet"/> did.</summary>
internal enum VoteAddResult
{
    Added,
    Duplicate,
    Conflicting,
}
