using Polis.Core.Ledger;

namespace Polis.Execution;

/// <summary>
/// Something a module reports that a block did (a transfer, a device registered, a market cleared),
/// as stored per height: the module, the event's type name (kebab case, unique within the module)
/// and its data in the module's canonical encoding. Modules define a typed record per event type
/// that writes and reads this envelope; the node renders it for people through the module, and an
/// indexer or exporter can keep it as it is. Events of a failed transaction are discarded with its
/// writes.
/// </summary>
public sealed record ModuleEvent(ModuleId Module, string Type, byte[] Data)
{
    public const int TypeBytesMax = 48;
    public const int DataBytesMax = 4 * 1024;
}
