using System.Text.Json;
using Polis.Client.Api;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules;

namespace Polis.Node.Api;

/// <summary>Blocks and their outcomes as JSON: modules named, bodies and events described by the module that owns them.</summary>
internal static class BlockJson
{
    public static BlockResponse Block(Block b, IReadOnlyList<CityModule> modules) => new(b.Id.ToString(), HeaderResponse.From(b.Header),
        b.Transactions.Select(tx => Transaction(tx, modules)).ToList(), b.Evidence.Count, b.LastCommit?.BlockId.ToString());

    private static TxResponse Transaction(Transaction tx, IReadOnlyList<CityModule> modules)
    {
        var module = Find(modules, tx.Module);
        var decoded = module?.DescribeBody(tx.Body);
        return new TxResponse(tx.Hash.ToString(), tx.SenderAddress.ToString(), tx.Nonce, module?.Name ?? tx.Module.ToString(),
            Convert.ToHexStringLower(tx.Body), decoded is null ? null : JsonSerializer.SerializeToElement(decoded));
    }

    public static BlockEvent Outcome(Block block, BlockOutcome outcome, IReadOnlyList<CityModule> modules, EventFilter filter)
    {
        var results = new List<TxResultEvent>(outcome.Results.Count);
        foreach (var r in outcome.Results) results.Add(new TxResultEvent(r.TxHash.ToString(), r.Code.Name, r.Message, Events(r.Events, modules, filter)));
        return new BlockEvent(block.Height, block.Id.ToString(), block.Header.TimeMs, block.Transactions.Count, results,
            Events(outcome.BeginBlockEvents, modules, filter), Events(outcome.EndBlockEvents, modules, filter));
    }

    private static IReadOnlyList<EventResponse> Events(IReadOnlyList<ModuleEvent> events, IReadOnlyList<CityModule> modules, EventFilter filter)
    {
        if (events.Count == 0 || !filter.ShowsAny) return [];
        List<EventResponse>? list = null;
        foreach (var e in events)
        {
            if (!filter.Shows(e)) continue;
            var module = Find(modules, e.Module);
            (list ??= new List<EventResponse>(events.Count)).Add(
                new EventResponse(module?.Name ?? e.Module.ToString(), e.Type, module?.DescribeEvent(e), Convert.ToHexStringLower(e.Data)));
        }
        return list ?? (IReadOnlyList<EventResponse>)[];
    }

    private static CityModule? Find(IReadOnlyList<CityModule> modules, ModuleId id)
    {
        foreach (var m in modules) if (m.Id == id) return m;
        return null;
    }
}
