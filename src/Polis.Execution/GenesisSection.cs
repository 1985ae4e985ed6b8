using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>A module's part of the genesis, in that module's canonical encoding.</summary>
public sealed record GenesisSection(ModuleId Module, byte[] Data);
