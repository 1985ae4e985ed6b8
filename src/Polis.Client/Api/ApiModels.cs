using Polis.Core.Ledger;
using Polis.Execution.Accounts;
using Polis.Core.Encoding;

namespace Polis.Client.Api;

// The HTTP API's JSON shapes. Hashes and keys are lower-case hex; addresses are polis1… text;
// amounts and heights are JSON numbers (ulong: clients must not parse them as doubles).

public sealed record ApiError(string Error);

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

public sealed record TxResponse(string Hash, string Sender, ulong Nonce, string Module, string Body, TransferResponse? Transfer)
{
    public static TxResponse From(Transaction tx) =>
        new(tx.Hash.ToString(), tx.SenderAddress.ToString(), tx.Nonce, tx.Module.ToString(), Convert.ToHexStringLower(tx.Body), TransferOf(tx));

    private static TransferResponse? TransferOf(Transaction tx)
    {
        if (tx.Module != ModuleId.Accounts) return null;
        try
        {
            var r = new CanonicalReader(tx.Body);
            if (r.ReadU8() != (byte)AccountsOperation.Transfer) return null;
            var t = TransferBody.Decode(ref r);
            return new TransferResponse(t.To.ToString(), t.Amount);
        }
        catch (CodecException)
        {
            return null;
        }
    }
}

public sealed record TransferResponse(string To, ulong Amount);

public sealed record BlockResponse(string Id, HeaderResponse Header, IReadOnlyList<TxResponse> Transactions, int EvidenceCount, string? LastCommitBlockId)
{
    public static BlockResponse From(Block b) => new(b.Id.ToString(), HeaderResponse.From(b.Header),
        b.Transactions.Select(TxResponse.From).ToList(), b.Evidence.Count, b.LastCommit?.BlockId.ToString());
}

public sealed record CommitSignatureResponse(int ValidatorIndex, string Validator, string Signature);
public sealed record CommitResponse(ulong Height, int Round, string BlockId, IReadOnlyList<CommitSignatureResponse> Signatures, string Encoded);

public sealed record SubmitRequest(string? Tx);
public sealed record SubmitResponse(string Hash);

public sealed record TxStatusResponse(string Hash, string Status, ulong? Height, int? Position, string? Result, string? Message);

public sealed record AccountResponse(string Address, ulong Height, ulong Balance, ulong Nonce, AccountProofResponse? Proof);
public sealed record AccountProofResponse(string StateRoot, string Key, string? Value, string Proof);

/// <summary>One committed block on the event stream; <paramref name="DevicesChanged"/> names the devices whose records changed in it.</summary>
public sealed record BlockEvent(ulong Height, string Id, long TimeMs, int TxCount, IReadOnlyList<TxResultEvent> Results, IReadOnlyList<string> DevicesChanged);

public sealed record TxResultEvent(string Hash, string Result, string Message);

public sealed record LocationResponse(double Latitude, double Longitude, int LatitudeMicro, int LongitudeMicro);
public sealed record DeviceKeyResponse(uint Index, string PublicKey, ulong From, ulong? Until);

/// <summary>A device as of <paramref name="Height"/>; <paramref name="Proof"/> (on request) proves its record under that height's state root.</summary>
public sealed record DeviceResponse(
    string Id, string Owner, string Kind, LocationResponse Location, string Metadata, string PublicKey, uint KeyIndex, ulong KeySince,
    ulong RegisteredAt, ulong? RevokedAt, ulong Height, IReadOnlyList<DeviceKeyResponse>? Keys, StateProofResponse? Proof);

public sealed record DevicesPage(ulong Height, IReadOnlyList<DeviceResponse> Devices, string? Next);

public sealed record GatewayResponse(string Id, string Operator, string Account, ulong RegisteredAt, ulong NextBatch, ulong? RevokedAt, ulong Height);

/// <summary>A state key's value (hex, null when absent) at a height, with its proof against that height's state root.</summary>
public sealed record StateProofResponse(ulong Height, string StateRoot, string Key, string? Value, string Proof);
