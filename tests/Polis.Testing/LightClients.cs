using Polis.Client.Light;
using Polis.Execution;

namespace Polis.Testing;

/// <summary>Light clients for tests that hold the canonical genesis (a node or auditor would read the genesis file).</summary>
public static class LightClients
{
    public static LightClient Trusting(Genesis genesis) => new(genesis.Id, genesis.Validators);
}
