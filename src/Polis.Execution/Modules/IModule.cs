using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>
/// The state-machine side of a city module (Cosmos SDK's AppModule is the model): its transactions,
/// its state, its genesis section and its block hooks. Everything here runs inside consensus and
/// must be deterministic: no clock but <see cref="BlockContext"/>, no randomness, no dictionary
/// order, no floating point. A module's HTTP routes, CLI commands and indexes are its host side
/// (Polis.Modules' <c>CityModule</c>).
/// <para>
/// Block order: every module's <see cref="BeginBlock"/> in the module set's order, then the
/// transactions in block order (each through its own module's <see cref="Apply"/>), then every
/// module's <see cref="EndBlock"/> in the same order.
/// </para>
/// </summary>
public interface IModule
{
    /// <summary>The byte transactions name this module by. Never reuse one.</summary>
    ModuleId Id { get; }

    /// <summary>Lower-case name (<c>devices</c>): its routes are under <c>/v1/{Name}/</c>, its result codes are <c>{Name}.…</c>, its genesis section is <c>modules.{Name}</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The prefixes of the state keys this module owns (ASCII, ending in '/'). The module set
    /// refuses two modules whose prefixes overlap; the executor lets a module write only under its
    /// own prefixes and those of the modules it names in <see cref="WritesStateOf"/>.
    /// </summary>
    IReadOnlyList<string> StatePrefixes { get; }

    /// <summary>
    /// Names of the modules whose records this module writes through their keepers (an assets
    /// module moves balances held by Accounts). Empty for most; every write anywhere else is a bug
    /// the executor stops on.
    /// </summary>
    IReadOnlyList<string> WritesStateOf => [];

    /// <summary>Whether this module grants and withdraws roles (governance): only then may it write the executor's role records.</summary>
    bool GrantsRoles => false;

    /// <summary>Every result code the module returns, in its own namespace; the executor fails loudly on any code neither declared here nor one of the executor's own (<see cref="ExecutionResults"/>).</summary>
    IReadOnlyList<ResultCode> ResultCodes { get; }

    /// <summary>Names of the roles this module's operations check (<c>device-owner</c>); genesis and governance grant only declared roles.</summary>
    IReadOnlyList<string> Roles => [];

    /// <summary>Applies this module's genesis section (its canonical bytes, empty when the genesis has none). Throws <see cref="Polis.Core.Encoding.CodecException"/> or <see cref="ArgumentException"/> on a bad section.</summary>
    void InitGenesis(ReadOnlySpan<byte> section, IStateView state)
    {
        if (section.Length > 0) throw new ArgumentException($"module {Name} takes no genesis section");
    }

    /// <summary>Before the block's transactions.</summary>
    void BeginBlock(in BlockContext block, IStateView state, EventLog events) { }

    /// <summary>
    /// Applies the body of an already authenticated transaction whose nonce was consumed. Writes go
    /// to <paramref name="scratch"/> and events to <paramref name="events"/>; the executor discards
    /// both if the result is a failure.
    /// </summary>
    TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block, EventLog events);

    /// <summary>
    /// After the block's transactions (the market clears, consents expire, proposals pass). Returns
    /// the validator-set changes it asks for; none until governance.
    /// </summary>
    IReadOnlyList<ValidatorUpdate> EndBlock(in BlockContext block, IStateView state, EventLog events) => [];

    /// <summary>
    /// The largest body this module takes, in bytes: the mempool refuses a larger one and the
    /// executor fails it unread (its fee paid). Set it near the largest body the module's
    /// operations encode, so nobody buys room for padding.
    /// </summary>
    int BodyBytesMax => Polis.Core.Limits.TxBodyBytesMax;

    /// <summary>What <paramref name="tx"/> may take from its sender's balance of the native asset, at most, so the mempool can refuse what the sender cannot pay.</summary>
    ulong NativeSpendOf(Transaction tx) => 0;
}
