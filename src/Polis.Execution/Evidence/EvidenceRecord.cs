using System.Buffers.Binary;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Execution.Evidence;

/// <summary>
/// Evidence committed in a block, one record per evidence hash under <c>evidence/</c> holding the
/// height it was committed at: a block may not carry evidence already committed (a proposer cannot
/// have one misbehaviour punished twice), and governance reads these to act on them.
/// </summary>
public static class EvidenceRecord
{
    public const string Prefix = "evidence/";
    private static readonly byte[] KeyPrefix = "evidence/"u8.ToArray();

    public static byte[] Key(in Hash32 evidenceHash)
    {
        var key = new byte[KeyPrefix.Length + Hash32.Size];
        KeyPrefix.CopyTo(key, 0);
        evidenceHash.WriteTo(key.AsSpan(KeyPrefix.Length));
        return key;
    }

    /// <summary>The height the evidence was committed at, or null.</summary>
    public static ulong? CommittedAt(IStateView state, in Hash32 evidenceHash)
    {
        var bytes = state.Get(Key(evidenceHash));
        if (bytes is null) return null;
        if (bytes.Length != 8) throw new CodecException($"evidence record of {bytes.Length} bytes, not 8");
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    public static void Store(IStateView state, in Hash32 evidenceHash, ulong height)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, height);
        state.Put(Key(evidenceHash), bytes);
    }

    /// <summary>Why <paramref name="evidence"/> may not go into a block at <paramref name="height"/> over <paramref name="state"/>, or "" if it may.</summary>
    public static string Refusal(DuplicateVoteEvidence evidence, ulong height, IStateView state)
    {
        if (evidence.Height > height) return "evidence from a later height";
        if (height - evidence.Height > Limits.EvidenceMaxAgeHeights) return $"evidence from height {evidence.Height} is older than {Limits.EvidenceMaxAgeHeights} heights";
        if (CommittedAt(state, evidence.Hash()) is { } at) return $"evidence already committed at height {at}";
        return "";
    }
}
