using Polis.Core.Crypto;

namespace Polis.Execution;

/// <summary>A change to the validator set a module asks for at the end of a block: a key and its new power (0 removes it).</summary>
public readonly record struct ValidatorUpdate(PublicKey Key, ulong Power);
