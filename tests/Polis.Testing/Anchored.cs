using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Testing;

/// <summary>A batch anchored by <see cref="Tx"/> in <see cref="Committed"/> (whether or not the anchor succeeded).</summary>
public sealed record Anchored(TestBatch Batch, ulong BatchNumber, Transaction Tx, Committed Committed, string GatewayId, int TxIndex)
{
    public TxResult Result => Committed.Results[TxIndex];
}
