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
    public static readonly ApiTagDescription Tag = new("chain", "The chain itself: the node's status, the validator set, blocks with their commits and outcomes, nonces, the fee schedule.");

    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapGet("/v1/status", () => Status(node))
            .Describe("status", Tag, "The node's status", "Chain id, node id, the latest committed block, the round in progress, whether it is catching up, its mempool and peers.")
            .Answers<StatusResponse>();
        app.MapGet("/v1/validators", () =>
        {
            var set = node.Validators;
            return Results.Ok(new ValidatorsResponse(node.CommittedHeight, set.TotalPower, set.Hash.ToString(),
                set.Validators.Select(v => new ValidatorResponse(v.Address.ToString(), v.PublicKey.ToString(), v.Power)).ToList()));
        }).Describe("validators", Tag, "The validator set", "The validators of the latest committed height with their voting power, and the set's hash.")
            .Answers<ValidatorsResponse>();
        app.MapGet("/v1/blocks/latest", (HttpContext context) =>
        {
            ulong height = node.CommittedHeight;
            return height == 0 ? ApiResults.NotFound("no block committed yet") : BlockAt(node, height, context);
        }).Describe("latestBlock", Tag, "The latest committed block", "As JSON, or with ?encoding=binary its canonical bytes. 404 before the first block.")
            .Answers<BlockResponse>().AlsoAnswersBytes("application/octet-stream", "With ?encoding=binary: the block's canonical bytes.").Errors(StatusCodes.Status404NotFound);
        app.MapGet("/v1/blocks/{height}", (string height, HttpContext context) =>
            ApiResults.TryParseHeight(height, out ulong h, out var error) ? BlockAt(node, h, context) : error!)
            .Describe("block", Tag, "A committed block", "As JSON, or with ?encoding=binary its canonical bytes (what a light client hashes).")
            .Answers<BlockResponse>().AlsoAnswersBytes("application/octet-stream", "With ?encoding=binary: the block's canonical bytes.")
            .Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
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
        }).Describe("commit", Tag, "A block's commit", "The precommit signatures that finalized the block, decoded and as canonical bytes (base64).")
            .Answers<CommitResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        app.MapGet("/v1/blocks/{height}/events", (string height, string? events) =>
        {
            if (!ApiResults.TryParseHeight(height, out ulong h, out var error)) return error!;
            if (!EventFilter.TryParse(events, node.Modules, out var filter, out var filterError)) return filterError!;
            var block = node.Blocks.GetBlock(h);
            var outcome = block is null ? null : node.Blocks.GetOutcome(block);
            if (block is null || outcome is null) return ApiResults.NotFound($"no block at height {h} (latest is {node.CommittedHeight})");
            return Results.Ok(BlockJson.Outcome(block, outcome, node.Modules, filter));
        }).Describe("blockEvents", Tag, "A block's outcome", "Each transaction's result and the events it emitted; ?events=module/type,… keeps only those events.")
            .Answers<BlockEvent>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        app.MapGet("/v1/nonces/{address}", (string address) =>
        {
            if (!Address.TryParse(address, out var parsed, out string error)) return ApiResults.BadRequest($"address '{ApiResults.Truncate(address)}': {error}");
            ulong height = node.CommittedHeight;
            return Results.Ok(new NonceResponse(parsed.ToString(), height, NonceRecord.Load(node.StateAt(height), parsed)));
        }).Describe("nonce", Tag, "An account's next nonce", "The nonce its next transaction must carry, at the latest committed height.")
            .Answers<NonceResponse>().Errors(StatusCodes.Status400BadRequest);
        app.MapGet("/v1/fees", () =>
        {
            ulong height = node.CommittedHeight;
            var fees = FeeRecord.Load(node.StateAt(height));
            return Results.Ok(new FeesResponse(height, fees.PerTransaction, fees.PerByte, fees.IsFree ? null : fees.Collector.ToString()));
        }).Describe("fees", Tag, "The fee schedule", "What a transaction pays in CITY: per transaction plus per byte of its encoding, to the collector; no collector on a free chain.")
            .Answers<FeesResponse>();
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
