using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Merkle;
using Polis.Execution;
using Polis.Modules.Devices;

namespace Polis.Testing;

/// <summary>A committed block, its commit's bytes and its transactions' results.</summary>
public sealed record Committed(Block Block, byte[] CommitBytes, IReadOnlyList<TxResult> Results);
