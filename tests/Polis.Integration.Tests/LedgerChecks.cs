using Polis.Core.Crypto;

namespace Polis.Integration.Tests;

/// <summary>Cross-node checks read through the HTTP API.</summary>
internal static class LedgerChecks
{
    /// <summary>At every height 1..<paramref name="upTo"/>, all listed nodes report the same block id and state root.</summary>
    public static async Task AssertAgreement(TestDevnet devnet, ulong upTo, params int[] nodes)
    {
        for (ulong h = 1; h <= upTo; h++)
        {
            string? id = null, root = null;
            foreach (var i in nodes)
            {
                var block = await devnet.TryGet(i, $"v1/blocks/{h}");
                Assert.True(block is not null, $"node {i} has no block at height {h}");
                string thisId = block!.Value.GetProperty("id").GetString()!;
                string thisRoot = block.Value.GetProperty("header").GetProperty("stateRoot").GetString()!;
                id ??= thisId;
                root ??= thisRoot;
                Assert.True(id == thisId, $"height {h}: node {i} has block {thisId}, another node has {id}");
                Assert.True(root == thisRoot, $"height {h}: node {i} has state root {thisRoot}, another node has {root}");
            }
        }
    }

    /// <summary>The committed status of a transaction at a node: (height, result) or null when not committed there.</summary>
    public static async Task<(ulong Height, string Result)?> Committed(TestDevnet devnet, int node, Hash32 tx)
    {
        var found = await devnet.TryGet(node, $"v1/txs/{tx}");
        if (found is null || found.Value.GetProperty("status").GetString() != "committed") return null;
        return (found.Value.GetProperty("height").GetUInt64(), found.Value.GetProperty("result").GetString()!);
    }

    public static async Task<ulong> Balance(TestDevnet devnet, int node, Address address)
    {
        var account = await devnet.TryGet(node, $"v1/accounts/{address}");
        Assert.True(account is not null, $"node {node} did not answer for account {address}");
        return account!.Value.GetProperty("balance").GetUInt64();
    }
}
