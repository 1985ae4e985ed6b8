namespace Polis.Core.Ledger;

/// <summary>
/// Which module a transaction's body is addressed to: one byte on the wire. Open: each module
/// defines its own id (Accounts 1, Devices 2, …) and the composition root's module set refuses two
/// modules with the same id. Zero is reserved (no module): it names the executor's own result codes
/// and is never a valid transaction module. Which ids a node runs is the node's business, not the
/// codec's: a transaction for a module the node lacks decodes, is refused at admission, and fails
/// in a block (its nonce consumed) with <c>tx.unknown-module</c>.
/// </summary>
public readonly record struct ModuleId(byte Value)
{
    /// <summary>No module: the executor's own namespace.</summary>
    public static readonly ModuleId None = new(0);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
