using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Network;

namespace Polis.Node.Wire;

/// <summary>
/// The node-to-node message encoding (canonical codec, bounded like every decoder). Each kind
/// belongs to one channel; a message on the wrong channel is malformed.
/// </summary>
public static class WireCodec
{
    public const int TxsPerMessageMax = 4_096;
    public const int BlocksPerRequestMax = 64;
    public const int PeersPerMessageMax = 1_024;

    public static byte[] Encode(WireMessage message)
    {
        var w = new CanonicalWriter(256);
        switch (message)
        {
            case ProposalMessage p:
                w.WriteU8((byte)MessageKind.Proposal);
                p.Proposal.Encode(w);
                w.WriteBytes(p.Block.ToBytes());
                break;
            case VoteMessage v:
                w.WriteU8((byte)MessageKind.Vote);
                v.Vote.Encode(w);
                break;
            case StatusMessage s:
                w.WriteU8((byte)MessageKind.Status);
                w.WriteU64(s.Height);
                w.WriteI32(s.Round);
                break;
            case ProposalWantedMessage pw:
                w.WriteU8((byte)MessageKind.ProposalWanted);
                w.WriteU64(pw.Height);
                w.WriteI32(pw.Round);
                w.WriteHash(pw.BlockId);
                break;
            case QuorumClaimMessage qc:
                w.WriteU8((byte)MessageKind.QuorumClaim);
                w.WriteU64(qc.Height);
                w.WriteI32(qc.Round);
                w.WriteU8((byte)qc.Type);
                w.WriteHash(qc.BlockId);
                break;
            case TxsMessage t:
                w.WriteU8((byte)MessageKind.Txs);
                w.WriteCount(t.Txs.Count);
                foreach (var tx in t.Txs) tx.Encode(w);
                break;
            case PeersMessage p:
                if (p.Peers.Count > PeersPerMessageMax) throw new ArgumentException($"more than {PeersPerMessageMax} peers", nameof(message));
                w.WriteU8((byte)MessageKind.Peers);
                w.WriteCount(p.Peers.Count);
                foreach (var key in p.Peers) w.WritePublicKey(key);
                break;
            case BlocksRequestMessage r:
                w.WriteU8((byte)MessageKind.BlocksRequest);
                w.WriteU64(r.From);
                w.WriteI32(r.Count);
                break;
            case BlockResponseMessage b:
                return EncodeBlockResponse(b.Block.ToBytes(), b.Commit.ToBytes());
            default:
                throw new ArgumentException($"unknown message {message.GetType().Name}", nameof(message));
        }
        return w.ToArray();
    }

    /// <summary>Encodes a stored block and commit without decoding them first (serving sync).</summary>
    public static byte[] EncodeBlockResponse(ReadOnlySpan<byte> block, ReadOnlySpan<byte> commit)
    {
        var w = new CanonicalWriter(block.Length + commit.Length + 16);
        w.WriteU8((byte)MessageKind.BlockResponse);
        w.WriteBytes(block);
        w.WriteBytes(commit);
        return w.ToArray();
    }

    public static byte[] EncodeTxs(IReadOnlyList<byte[]> encodedTxs)
    {
        int size = 5;
        foreach (var tx in encodedTxs) size += 4 + tx.Length;
        var w = new CanonicalWriter(size);
        w.WriteU8((byte)MessageKind.Txs);
        w.WriteCount(encodedTxs.Count);
        foreach (var tx in encodedTxs) w.WriteBytes(tx);
        return w.ToArray();
    }

    /// <summary>Decodes one frame's payload; <see cref="CodecException"/> for anything malformed.</summary>
    public static WireMessage Decode(Channel channel, ReadOnlySpan<byte> payload)
    {
        var r = new CanonicalReader(payload);
        var kind = (MessageKind)r.ReadU8("message kind");
        var expected = kind switch
        {
            MessageKind.Proposal or MessageKind.Vote or MessageKind.Status or MessageKind.ProposalWanted or MessageKind.QuorumClaim => Channel.Consensus,
            MessageKind.Txs or MessageKind.Peers => Channel.Transactions,
            MessageKind.BlocksRequest or MessageKind.BlockResponse => Channel.Sync,
            _ => throw new CodecException($"unknown message kind {(byte)kind}"),
        };
        if (expected != channel) throw new CodecException($"{kind} message on the {channel} channel");
        WireMessage message;
        switch (kind)
        {
            case MessageKind.Proposal:
                var proposal = Proposal.Decode(ref r);
                var block = Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "block"));
                message = new ProposalMessage(proposal, block);
                break;
            case MessageKind.Vote:
                message = new VoteMessage(Vote.Decode(ref r));
                break;
            case MessageKind.Status:
                message = new StatusMessage(r.ReadU64("height"), r.ReadI32("round"));
                break;
            case MessageKind.ProposalWanted:
                ulong wantedHeight = r.ReadU64("height");
                int wantedRound = r.ReadI32("round");
                var wantedBlock = r.ReadHash("block id");
                if (wantedHeight == 0 || wantedRound < 0 || wantedBlock.IsZero) throw new CodecException($"proposal request {wantedHeight}/{wantedRound} out of bounds");
                message = new ProposalWantedMessage(wantedHeight, wantedRound, wantedBlock);
                break;
            case MessageKind.QuorumClaim:
                ulong claimHeight = r.ReadU64("height");
                int claimRound = r.ReadI32("round");
                var claimType = (VoteType)r.ReadU8("vote type");
                var claimBlock = r.ReadHash("block id");
                if (claimHeight == 0 || claimRound < 0 || claimType is not (VoteType.Prevote or VoteType.Precommit))
                    throw new CodecException($"quorum claim {claimHeight}/{claimRound}/{(byte)claimType} out of bounds");
                message = new QuorumClaimMessage(claimHeight, claimRound, claimType, claimBlock);
                break;
            case MessageKind.Txs:
                int n = r.ReadCount(TxsPerMessageMax, 4, "transactions");
                var txs = new Transaction[n];
                for (int i = 0; i < n; i++) txs[i] = Transaction.Decode(ref r);
                message = new TxsMessage(txs);
                break;
            case MessageKind.Peers:
                int peers = r.ReadCount(PeersPerMessageMax, PublicKey.Size, "peers");
                var keys = new PublicKey[peers];
                for (int i = 0; i < peers; i++) keys[i] = r.ReadPublicKey("peer key");
                message = new PeersMessage(keys);
                break;
            case MessageKind.BlocksRequest:
                ulong from = r.ReadU64("from height");
                int count = r.ReadI32("count");
                if (from == 0 || count is <= 0 or > BlocksPerRequestMax) throw new CodecException($"blocks request {from}+{count} out of bounds");
                message = new BlocksRequestMessage(from, count);
                break;
            default:
                var responseBlock = Block.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "block"));
                var commit = Commit.Decode(r.ReadBytesSpan(Limits.BlockBytesMax, "commit"));
                message = new BlockResponseMessage(responseBlock, commit);
                break;
        }
        r.End(kind.ToString());
        return message;
    }
}
