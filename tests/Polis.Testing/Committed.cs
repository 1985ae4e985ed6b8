using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Testing;

/// <summary>A committed block, its commit's bytes and its transactions' results.</summary>
public sealed record Committed(Block Block, byte[] CommitBytes, IReadOnlyList<TxResult> Results);
