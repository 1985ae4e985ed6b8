using System.Text;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Execution.Tests.Seam;

/// <summary>
/// A module for testing the seam itself: it records the order of its hooks in a shared log, writes
/// under its prefix (or wherever a test tells it to), emits events, and fails when the body says so.
/// Body: "ok", "fail", "write:HEXKEY", "code:MODULE" (answers code 7 of that module), "emit-fail", "throw",
/// "events-in-result", "read:HEXKEY".
/// </summary>
internal sealed class ProbeModule(byte id, string name, List<string>? log = null, IReadOnlyList<string>? prefixes = null,
    IReadOnlyList<string>? roles = null, IReadOnlyList<ValidatorUpdate>? updates = null, IReadOnlyList<string>? writesStateOf = null) : IModule
{
    public ModuleId Id { get; } = new(id);
    public string Name { get; } = name;
    public IReadOnlyList<string> StatePrefixes { get; } = prefixes ?? [name + "/"];
    public IReadOnlyList<ResultCode> ResultCodes => [Refused];
    public IReadOnlyList<string> Roles { get; } = roles ?? [];
    public IReadOnlyList<string> WritesStateOf { get; } = writesStateOf ?? [];
    public ResultCode Refused => ResultCode.Of(Id, Name, 1, "refused");

    /// <summary>Genesis section: a state key (ASCII) to write, so a test can make the module write outside its prefixes.</summary>
    public void InitGenesis(ReadOnlySpan<byte> section, IStateView state)
    {
        if (section.Length > 0) state.Put(section.ToArray(), [1]);
    }

    public void BeginBlock(in BlockContext block, IStateView state, EventLog events)
    {
        log?.Add($"{Name}.begin");
        state.Put(Key("begin"), [(byte)block.Height]);
        events.Emit(Id, "began", [(byte)block.Height]);
    }

    public TxResult Apply(Transaction tx, IStateView scratch, in BlockContext block, EventLog events)
    {
        string body = Encoding.ASCII.GetString(tx.Body);
        log?.Add($"{Name}.apply:{body}");
        events.Emit(Id, "applied", tx.Body);
        scratch.Put(Key("tx/" + tx.Nonce), tx.Body);
        if (body == "fail" || body == "emit-fail") return new TxResult(tx.Hash, Refused, "told to fail");
        if (body == "throw") throw new InvalidOperationException("a bug the input reached");
        if (body == "events-in-result") return new TxResult(tx.Hash, ExecutionResults.Ok, "", [new ModuleEvent(Id, "smuggled", [1])]);
        if (body.StartsWith("write:", StringComparison.Ordinal)) scratch.Put(Convert.FromHexString(body[6..]), [1]);
        if (body.StartsWith("read:", StringComparison.Ordinal)) scratch.Get(Convert.FromHexString(body[5..]));
        if (body.StartsWith("code:", StringComparison.Ordinal))
        {
            var parts = body.Split(':');
            return new TxResult(tx.Hash, new ResultCode(new ModuleId(byte.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)), 7, "other.code"), "");
        }
        return TxResult.Ok(tx.Hash);
    }

    public IReadOnlyList<ValidatorUpdate> EndBlock(in BlockContext block, IStateView state, EventLog events)
    {
        log?.Add($"{Name}.end");
        state.Put(Key("end"), [(byte)block.Height]);
        events.Emit(Id, "ended", [(byte)block.Height]);
        return updates ?? [];
    }

    public byte[] Key(string suffix) => Encoding.ASCII.GetBytes(StatePrefixes[0] + suffix);
}
