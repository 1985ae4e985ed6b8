using Polis.Core.Encoding;
using Polis.Core.Ledger;

namespace Polis.Consensus.Wal;

/// <summary>
/// What reading a WAL file found: its header, its last sign record, the votes to replay, and the
/// first damaged record, if any. Whether a sign record lies beyond the damage (then the damage
/// cannot be a torn final write: that record's fsync came after it) is looked for only when the
/// guard cannot say how much of the file was durable (<see cref="FindSignRecordAfterDamage"/>).
/// </summary>
internal sealed class WalScan
{
    /// <summary>Votes kept from the log for replay; older ones beyond this are dropped first.</summary>
    public const int ReplayVotesMax = 100_000;
    /// <summary>How far past damage the reader looks for a later sign record before it gives up and calls the damage corruption.</summary>
    private const long LookAheadBytesMax = 64L * 1024 * 1024;
    /// <summary>How many bytes the look-ahead may hash in all before it calls the damage corruption.</summary>
    private const long HashedBytesMax = 4 * LookAheadBytesMax;

    public WalHeader? Header { get; private set; }
    public SignRecord? Last { get; private set; }
    /// <summary>Where the last sign record ends (its fsync made everything before it durable).</summary>
    public long LastSignEnd { get; private set; }
    public List<Vote> Votes { get; } = new();
    /// <summary>End of the last good record: the file is cut here when the damage is a torn tail.</summary>
    public long ValidEnd { get; private set; }
    public long Length { get; private set; }
    /// <summary>Offset of the first damaged record, or -1.</summary>
    public long DamageAt { get; private set; } = -1;
    public string DamageReason { get; private set; } = "";

    public static WalScan Read(IWalFile file)
    {
        var scan = new WalScan { Length = file.Length };
        scan.ReadRecords(file);
        return scan;
    }

    private void ReadRecords(IWalFile file)
    {
        Span<byte> header = stackalloc byte[WalFrame.HeaderBytes];
        long offset = 0;
        while (offset < Length)
        {
            if (Length - offset < WalFrame.HeaderBytes) { Damage(offset, "a partial record header at the end"); return; }
            file.Read(offset, header);
            int length = WalFrame.PayloadLength(header);
            if (length < 0) { Damage(offset, "a damaged record header"); return; }
            if (offset + WalFrame.HeaderBytes + length > Length) { Damage(offset, "a record longer than the rest of the file"); return; }
            var payload = new byte[length];
            file.Read(offset + WalFrame.HeaderBytes, payload);
            if (!WalFrame.Verifies(header, payload)) { Damage(offset, "a record whose checksum does not match"); return; }
            long end = offset + WalFrame.HeaderBytes + length;
            try
            {
                Apply(offset, payload, end);
            }
            catch (Exception e) when (e is CodecException or ArgumentException or FormatException or OverflowException or InvalidOperationException)
            {
                // Checksummed yet unreadable: written by another build or damaged in memory before the checksum.
                Damage(offset, $"a record that does not decode ({e.Message})");
                return;
            }
            offset = end;
            ValidEnd = end;
        }
    }

    private void Apply(long offset, byte[] payload, long end)
    {
        byte kind = payload[0];
        var body = payload.AsSpan(1);
        if (offset == 0)
        {
            if (kind != WalFrame.HeaderKind) throw new CodecException($"the first record is of kind {kind}, not the header");
            Header = WalHeader.Decode(body);
            return;
        }
        switch (kind)
        {
            case WalFrame.SignKind:
                Last = SignRecord.Decode(body);
                LastSignEnd = end;
                break;
            case WalFrame.VoteKind:
                if (Votes.Count >= ReplayVotesMax) Votes.RemoveRange(0, ReplayVotesMax / 2);
                Votes.Add(Vote.Decode(body));
                break;
            default:
                throw new CodecException($"unknown record kind {kind}");
        }
    }

    private void Damage(long offset, string reason)
    {
        DamageAt = offset;
        DamageReason = reason;
    }

    /// <summary>
    /// Looks at every offset after the damage for a complete sign record that decodes and comes
    /// after <see cref="Last"/> (only on the damaged path, and only when the guard does not know
    /// this file's generation). Records inside a block's transactions are bytes a client chose, so
    /// a frame found there must also decode and be later than the last whole record to count.
    /// </summary>
    public bool FindSignRecordAfterDamage(IWalFile file)
    {
        if (DamageAt < 0) return false;
        long from = DamageAt + 1;
        if (Length - from > LookAheadBytesMax) return true; // too much after the damage to be one torn write
        var rest = new byte[Length - from];
        int read = file.Read(from, rest);
        var span = rest.AsSpan(0, read);
        long hashed = 0;
        for (int at = 0; at + WalFrame.HeaderBytes < span.Length; at++)
        {
            int payload = WalFrame.PayloadLength(span[at..]);
            if (payload <= 0 || at + WalFrame.HeaderBytes + payload > span.Length) continue;
            var body = span.Slice(at + WalFrame.HeaderBytes, payload);
            if (body[0] != WalFrame.SignKind) continue;
            // Client bytes can hold many frame headers claiming long payloads: bound the hashing,
            // and past the bound answer as if a record was found (a refusal, never a wrong cut).
            hashed += payload;
            if (hashed > HashedBytesMax) return true;
            if (!WalFrame.Verifies(span[at..], body)) continue;
            if (IsLaterRecord(body[1..])) return true;
        }
        return false;
    }

    private bool IsLaterRecord(ReadOnlySpan<byte> body)
    {
        try
        {
            var record = SignRecord.Decode(body);
            return Last is null || Last.IsBefore(record.Height, record.Round, record.Step);
        }
        catch (Exception e) when (e is CodecException or ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            return false;
        }
    }
}
