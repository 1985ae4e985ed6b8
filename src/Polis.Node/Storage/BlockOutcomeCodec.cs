using Polis.Core;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution;

namespace Polis.Node.Storage;

/// <summary>
/// A height's stored outcome (<c>R|height</c>): every transaction's result and events in block order
/// (the hashes are the block's), the block hooks' events and the validator updates. Written in the height's atomic batch, so whoever
/// follows the chain reads it for any height, as often as it likes, and never misses one.
/// </summary>
internal static class BlockOutcomeCodec
{
    private const int EventsPerListMax = EventLog.EventsMax;
    private const int ValidatorUpdatesMax = Limits.ValidatorsMax;

    public static byte[] Encode(BlockOutcome outcome)
    {
        var w = new CanonicalWriter(64 + outcome.Results.Count * 128);
        w.WriteCount(outcome.Results.Count);
        foreach (var r in outcome.Results)
        {
            ResultCodec.Write(w, r.Code, r.Message);
            WriteEvents(w, r.Events);
        }
        WriteEvents(w, outcome.BeginBlockEvents);
        WriteEvents(w, outcome.EndBlockEvents);
        w.WriteCount(outcome.ValidatorUpdates.Count);
        foreach (var u in outcome.ValidatorUpdates)
        {
            w.WritePublicKey(u.Key);
            w.WriteU64(u.Power);
        }
        return w.ToArray();
    }

    /// <summary>Reads the outcome of <paramref name="block"/>, whose transactions give the results their hashes.</summary>
    public static BlockOutcome Decode(ReadOnlySpan<byte> bytes, Block block)
    {
        var r = new CanonicalReader(bytes);
        int n = r.ReadCount(Limits.BlockTxsMax, 3 + 4, "results");
        if (n != block.Transactions.Count) throw new CodecException($"outcome of block {block.Height} has {n} results for {block.Transactions.Count} transactions");
        var results = new TxResult[n];
        for (int i = 0; i < n; i++)
        {
            var (code, message) = ResultCodec.Read(ref r);
            results[i] = new TxResult(block.Transactions[i].Hash, code, message, ReadEvents(ref r));
        }
        var begin = ReadEvents(ref r);
        var end = ReadEvents(ref r);
        int u = r.ReadCount(ValidatorUpdatesMax, 40, "validator updates");
        var updates = new ValidatorUpdate[u];
        for (int i = 0; i < u; i++) updates[i] = new ValidatorUpdate(r.ReadPublicKey("validator key"), r.ReadU64("power"));
        r.End("block outcome");
        return new BlockOutcome(results, begin, end, updates);
    }

    private static void WriteEvents(CanonicalWriter w, IReadOnlyList<ModuleEvent> events)
    {
        w.WriteCount(events.Count);
        foreach (var e in events)
        {
            w.WriteU8(e.Module.Value);
            w.WriteString(e.Type);
            w.WriteBytes(e.Data);
        }
    }

    private static IReadOnlyList<ModuleEvent> ReadEvents(ref CanonicalReader r)
    {
        int n = r.ReadCount(EventsPerListMax, 1 + 2 + 4, "events");
        if (n == 0) return [];
        var events = new ModuleEvent[n];
        for (int i = 0; i < n; i++)
            events[i] = new ModuleEvent(new ModuleId(r.ReadU8("event module")), r.ReadString(ModuleEvent.TypeBytesMax, "event type"), r.ReadBytes(ModuleEvent.DataBytesMax, "event data"));
        return events;
    }
}
