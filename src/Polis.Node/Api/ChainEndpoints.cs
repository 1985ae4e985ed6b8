using Polis.Client.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.Core.Crypto;
using Polis.Execution.Auth;
using Polis.Execution.Fees;
using Polis.Modules.Http;

namespace Polis.Node.Api;

/// <summary>Read endpoints of the chain itself: status, validators, blocks, their commits and outcomes, nonces, the fee schedule.</summary>
internal static class ChainEndpoints
{
    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapGet("/v1/status", () => Status(node)).WithName("status");
        app.MapGet("/v1/validators", () =>
        {
            var set = node.Validators;
            return Results.Ok(new ValidatorsResponse(node.CommittedHeight, set.TotalPower, set.Hash.ToString(),
                set.Validators.Select(v => new ValidatorResponse(v.Address.ToString(), v.PublicKey.ToString(), v.Power)).ToList()));
        }).WithName("validators");
        app.MapGet("/v1/blocks/latest", (HttpContext context) =>
        {
            ulong height = node.CommittedHeight;
            return height == 0 ? ApiResults.NotFound("no block committed yet") : BlockAt(node, height, context);
        }).WithName("latestBlock");
        app.MapGet("/v1/blocks/{height}", (string height, HttpContext context) =>
            ApiResults.TryParseHeight(height, out ulong h, out var error) ? BlockAt(node, h, context) : error!).WithName("block");
        app.MapGet("/v1/blocks/{height}/commit", (string height) =>
        {
            if (!ApiResults.TryParseHeight(height, out ulong h, out var error)) return error!;
            var bytes = node.Blocks.GetCommitBytes(h);
            if (bytes is null) return ApiResults.NotFound($"no block at height {h} (latest is {node.CommittedHeight})");
            var commit = Polis.Core.Ledger.Commit.Decode(bytes);
            var validators = node.Validators;
            return Results.Ok(new CommitResponse(commit.Height, commit.Round, commit.BlockId.ToString(),
                commit.Signatures.Select(s => new CommitSignatureResponse(s.ValidatorIndex,
                    s.ValidatorIndex < validators.Count ? validators[s.ValidatorIndex].Address.ToString() : "?",
                    s.Signature.ToString())).ToList(), Convert.ToBase64String(bytes)));
        }).WithName("commit");
        app.MapGet("/v1/blocks/{height}/events", (string height, string? events) =>
        {
            if (!ApiResults.TryParseHeight(height, out ulong h, out var error)) return error!;
            if (!EventFilter.TryParse(events, node.Modules, out var filter, out var filterError)) return filterError!;
            var block = node.Blocks.GetBlock(h);
            var outcome = block is null ? null : node.Blocks.GetOutcome(block);
            if (block is null || outcome is null) return ApiResults.NotFound($"no block at height {h} (latest is {node.CommittedHeight})");
            return Results.Ok(BlockJson.Outcome(block, outcome, node.Modules, filter));
        }).WithName("blockEvents");
        app.MapGet("/v1/nonces/{address}", (string address) =>
        {
            if (!Address.TryParse(address, out var parsed, out string error)) return ApiResults.BadRequest($"address '{ApiResults.Truncate(address)}': {error}");
            ulong height = node.CommittedHeight;
            return Results.Ok(new NonceResponse(parsed.ToString(), height, NonceRecord.Load(node.StateAt(height), parsed)));
        }).WithName("nonce");
        app.MapGet("/v1/fees", () =>
        {
            ulong height = node.CommittedHeight;
            var fees = FeeRecord.Load(node.StateAt(height));
            return Results.Ok(new FeesResponse(height, fees.PerTransaction, fees.PerByte, fees.IsFree ? null : fees.Collector.ToString()));
        }).WithName("fees");
    }

    private static IResult Status(PolisNode node)
    {
        var s = node.Snapshot;
        var peers = node.Network.Peers.Select(p => new PeerResponse(p.Key.ToString(), p.RemoteEndPoint?.ToString(), p.Outbound)).ToList();
        return Results.Ok(new StatusResponse(node.ChainId, node.NodeId.ToString(), node.Config.Moniker, node.ValidatorAddress?.ToString(),
            s.Height, s.LatestBlockId.ToString(), s.LatestBlockTimeMs, s.StateRoot.ToString(), s.WorkingHeight, s.Round, s.Syncing,
            s.BestPeerHeight, node.Mempool.Count, peers));
    }

    private static IResult BlockAt(PolisNode node, ulong height, HttpContext context)
    {
        var bytes = node.Blocks.GetBlockBytes(height);
        if (bytes is null) return ApiResults.NotFound($"no block at height {height} (latest is {node.CommittedHeight})");
        if (context.Request.Query["encoding"] == "binary") return Results.Bytes(bytes, "application/octet-stream");
        return Results.Ok(BlockJson.Block(Polis.Core.Ledger.Block.Decode(bytes), node.Modules));
    }
}
