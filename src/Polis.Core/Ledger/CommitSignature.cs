using Polis.Core.Crypto;

namespace Polis.Core.Ledger;

/// <summary>One validator's precommit signature inside a commit, by its index in the validator set.</summary>
public readonly record struct CommitSignature(ushort ValidatorIndex, Signature Signature);
