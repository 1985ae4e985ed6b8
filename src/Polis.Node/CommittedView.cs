using Polis.Core.Ledger;

namespace Polis.Node;

/// <summary>
/// The committed chain as threads other than the loop see it (peer readers checking signatures, the
/// API, admission): the loop replaces it (never mutates it) after each commit, so a reader always
/// sees a height with the validator set that goes with it.
/// </summary>
public sealed record CommittedView(ulong Height, ValidatorSet Validators);
