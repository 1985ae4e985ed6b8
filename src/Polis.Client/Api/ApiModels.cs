using System.Text.Json;
using Polis.Core.Ledger;

namespace Polis.Client.Api;

// The HTTP API's JSON shapes that belong to no module (each module's own are in its .Types
// project). Hashes and keys are lower-case hex; addresses are polis1… text; amounts and heights
// are JSON numbers (ulong: clients must not parse them as doubles).

/// <summary>Every error answer of the API: a message a person can act on, and for some a machine-readable reason (e.g. a proof that is "not-anchored" yet).</summary>
public sealed record ApiError(string Error)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

public sealed record StatusResponse(
    string ChainId, string NodeId, string Moniker, string? ValidatorAddress,
    ulong Height, string LatestBlockId, long LatestBlockTimeMs, string StateRoot,
    ulong WorkingHeight, int Round, bool Syncing, ulong BestPeerHeight, int MempoolSize, IReadOnlyList<PeerResponse> Peers);

public sealed record PeerResponse(string NodeId, string? Address, bool Outbound);

public sealed record ValidatorResponse(string Address, string PublicKey, ulong Power);
public sealed record ValidatorsResponse(ulong Height, ulong TotalPower, string Hash, IReadOnlyList<ValidatorResponse> Validators);

public sealed record HeaderResponse(
    string ChainId, ulong Height, long TimeMs, string PreviousBlockId, string TransactionsRoot, string StateRoot,
    string ValidatorSetHash, string Proposer, string LastCommitHash, string EvidenceRoot)
{
    public static HeaderResponse From(BlockHeader h) => new(h.ChainId, h.Height, h.TimeMs, h.PreviousBlockId.ToString(),
        h.TransactionsRoot.ToString(), h.StateRoot.ToString(), h.ValidatorSetHash.ToString(), h.Proposer.ToString(),
        h.LastCommitHash.ToString(), h.EvidenceRoot.ToString());
}

/// <summary>A transaction in a block: <paramref name="Module"/> is the module's name, <paramref name="Decoded"/> its body as the module shows it (null when it shows only hex).</summary>
public sealed record TxResponse(string Hash, string Sender, ulong Nonce, string Module, string Body, JsonElement? Decoded);

public sealed record BlockResponse(string Id, HeaderResponse Header, IReadOnlyList<TxResponse> Transactions, int EvidenceCount, string? LastCommitBlockId);

public sealed record CommitSignatureResponse(int ValidatorIndex, string Validator, string Signature);
public sealed record CommitResponse(ulong Height, int Round, string BlockId, IReadOnlyList<CommitSignatureResponse> Signatures, string Encoded);

/// <summary>A transaction as JSON for <c>POST /v1/txs</c>: its canonical bytes in hex (or base64).</summary>
public sealed record SubmitRequest(string? Tx);
public sealed record SubmitResponse(string Hash);

/// <summary>
/// Where a transaction is: "pending" or "committed" with its height, position and result. The
/// result is <c>ok</c> or a module's namespaced failure (<c>accounts.insufficient-funds</c>).
/// </summary>
public sealed record TxStatusResponse(string Hash, string Status, ulong? Height, int? Position, string? Result, string? Message)
{
    public const string OkResult = "ok";
}

/// <summary>The next nonce an address must sign with, as of <paramref name="Height"/>.</summary>
public sealed record NonceResponse(string Address, ulong Height, ulong Nonce);

/// <summary>The fee schedule at <paramref name="Height"/>: a transaction pays <c>PerTransaction + PerByte × its encoded bytes</c> of CITY; no collector when the chain is free.</summary>
public sealed record FeesResponse(ulong Height, ulong PerTransaction, ulong PerByte, string? Collector)
{
    /// <summary>The fee of a transaction of <paramref name="encodedBytes"/> bytes, saturated at 2^64 - 1.</summary>
    public ulong FeeOf(int encodedBytes)
    {
        UInt128 fee = (UInt128)PerByte * (ulong)encodedBytes + PerTransaction;
        return fee > ulong.MaxValue ? ulong.MaxValue : (ulong)fee;
    }
}

/// <summary>
/// One committed block's outcome, on the event stream and at <c>/v1/blocks/{height}/events</c>:
/// each transaction's result and events, and the events of the block hooks.
/// </summary>
public sealed record BlockEvent(ulong Height, string Id, long TimeMs, int TxCount, IReadOnlyList<TxResultEvent> Results,
    IReadOnlyList<EventResponse> BeginBlockEvents, IReadOnlyList<EventResponse> EndBlockEvents);

public sealed record TxResultEvent(string Hash, string Result, string Message, IReadOnlyList<EventResponse> Events);

/// <summary>A module's event: its module and type, its data as the module names it (null when it does not), and the data's canonical bytes in hex.</summary>
public sealed record EventResponse(string Module, string Type, IReadOnlyDictionary<string, string>? Attributes, string Data);

/// <summary>A state key's value (hex, null when absent) at a height, with its proof against that height's state root.</summary>
public sealed record StateProofResponse(ulong Height, string StateRoot, string Key, string? Value, string Proof);
