using Polis.Core.Crypto;
using Polis.Core.Merkle;
using Polis.Modules.Devices;

namespace Polis.Testing;

/// <summary>A gateway's batch: readings in order, their leaf hashes, root and time range.</summary>
public sealed class TestBatch(params Reading[] readings)
{
    public IReadOnlyList<Reading> Readings { get; } = readings;
    public Hash32[] Leaves { get; } = [.. readings.Select(r => r.LeafHash)];
    public Hash32 Root => MerkleTree.RootOfLeafHashes(Leaves);
    public long FirstTimeMs => Readings.Min(r => r.TimeMs);
    public long LastTimeMs => Readings.Max(r => r.TimeMs);

    public DevicesBody.AnchorBatch AnchorBody(string gatewayId, ulong batchNumber) =>
        new(gatewayId, batchNumber, Root, (uint)Readings.Count, FirstTimeMs, LastTimeMs);
}
