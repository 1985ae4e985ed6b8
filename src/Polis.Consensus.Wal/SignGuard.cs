using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Consensus.Wal;

/// <summary>
/// The double-sign guard: the last sign record (ids only, <see cref="SignRecord.ToGuardBytes"/>)
/// in a small file of its own that compaction never rewrites, as CometBFT keeps its private
/// validator state apart from its WAL. An operator who deletes or loses the WAL still cannot make
/// the validator sign twice.
/// <para>
/// Two fixed slots of <see cref="SlotBytes"/>; each write goes to the older slot and is fsynced,
/// so a write torn by a crash leaves the other slot whole. A slot holds: magic, version, sequence
/// number, the chain id, the WAL generation and how many of its bytes were durable at this write,
/// the record, and a SHA-256 over all of the slot before it.
/// </para>
/// </summary>
internal sealed class SignGuard : IDisposable
{
    public const string FileName = "sign_guard";
    /// <summary>A repair writes the new guard under this name, then renames it over <see cref="FileName"/>.</summary>
    public const string ReplacementName = "sign_guard-new";
    public const int SlotBytes = 512;
    private const uint Magic = 0x50475244; // "PGRD"
    private const byte Version = 1;
    private const int ChainIdBytesMax = 128;

    private readonly IWalFile _file;
    private readonly string _chainId;
    private ulong _sequence;

    private SignGuard(IWalFile file, string chainId, GuardState state, bool hadUnreadableSlot = false)
    {
        (_file, _chainId, _sequence, State, HadUnreadableSlot) = (file, chainId, state.Sequence, state, hadUnreadableSlot);
    }

    /// <summary>
    /// One slot could not be read at open: <see cref="State"/> may be one signature behind. A crash
    /// tears a guard write only after the WAL's fsync of that record, so this alone is harmless; with
    /// damage in the WAL too it is not (see <see cref="ConsensusJournal"/>).
    /// </summary>
    public bool HadUnreadableSlot { get; }

    /// <summary>What the newest whole slot holds.</summary>
    public GuardState State { get; private set; }

    /// <summary>A new guard holding nothing signed yet, durable (file and directory entry) when this returns.</summary>
    public static SignGuard Create(IWalDirectory dir, string chainId) => Create(dir, chainId, FileName);

    /// <summary>A new guard under another name, to be renamed over the guard once it holds what it must (a repair).</summary>
    public static SignGuard Create(IWalDirectory dir, string chainId, string name)
    {
        var file = dir.Create(name);
        file.SetLength(2 * SlotBytes);
        var guard = new SignGuard(file, chainId, GuardState.Empty);
        guard.Write(null, 0, 0);
        dir.Sync();
        return guard;
    }

    /// <summary>
    /// Reads an existing guard; a damaged slot is reported in <paramref name="warnings"/>, both
    /// damaged is corruption. A guard whose slots are all zero (a crash while it was created) reads
    /// as <see cref="GuardState.Empty"/>: the caller decides whether that can be true.
    /// </summary>
    public static SignGuard Open(IWalDirectory dir, string chainId, List<string> warnings)
    {
        var file = dir.Open(FileName);
        try
        {
            var slots = new byte[2 * SlotBytes];
            int read = file.Read(0, slots);
            GuardState? best = null;
            bool unreadable = false;
            int zeroSlots = 0;
            string where = dir.Describe(FileName);
            for (int slot = 0; slot < 2; slot++)
            {
                var bytes = slots.AsSpan(slot * SlotBytes, SlotBytes);
                if ((slot + 1) * SlotBytes > read || IsZero(bytes))
                {
                    zeroSlots++;
                    continue; // never written (or zeroed: see below)
                }
                if (!TryDecode(bytes, out var state, out string why))
                {
                    warnings.Add($"double-sign guard {where}: slot {slot} is unreadable ({why}); the other slot and the WAL are used");
                    unreadable = true;
                    continue;
                }
                if (state.ChainId != chainId)
                    throw new WalCorruptException($"the double-sign guard {where} belongs to chain '{state.ChainId}', this node runs '{chainId}'", where, slot * SlotBytes);
                if (best is null || state.Sequence > best.Sequence) best = state;
            }
            // From the second write on both slots hold something: a zero slot beside a later one was
            // zeroed by the disk (some lose sectors as zeros), not never written.
            if (best is { Sequence: >= 2 } && zeroSlots > 0)
            {
                warnings.Add($"double-sign guard {where}: a slot reads as zeros beside one of sequence {best.Sequence}; the other slot and the WAL are used");
                unreadable = true;
            }
            if (best is null && !unreadable) return new SignGuard(file, chainId, GuardState.Empty); // created, never written: nothing signed
            // The first write (at creation, nothing signed) goes to slot 1 and every later one
            // alternates starting with slot 0: slot 0 never written means nothing was ever signed.
            if (best is null && read >= 2 * SlotBytes && IsZero(slots.AsSpan(0, SlotBytes)))
            {
                warnings.Add($"double-sign guard {where}: torn while it was created; nothing was signed yet");
                return new SignGuard(file, chainId, GuardState.Empty);
            }
            if (best is null)
                throw new WalCorruptException($"the double-sign guard {where} has no readable slot: what this validator signed last is unknown", where, -1);
            return new SignGuard(file, chainId, best, unreadable);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes the record (null: nothing signed) to the older slot and fsyncs.</summary>
    public void Write(SignRecord? record, ulong walGeneration, long walSyncedBytes)
    {
        ulong sequence = _sequence + 1;
        var slot = new byte[SlotBytes];
        var w = new CanonicalWriter(SlotBytes);
        w.WriteU32(Magic);
        w.WriteU8(Version);
        w.WriteU64(sequence);
        w.WriteString(_chainId);
        w.WriteU64(walGeneration);
        w.WriteI64(walSyncedBytes);
        w.WriteBool(record is not null);
        if (record is not null) w.WriteBytes(record.ToGuardBytes());
        var content = w.ToArray();
        if (content.Length > SlotBytes - Hash32.Size) throw new InvalidOperationException("guard slot overflow: chain id too long");
        content.CopyTo(slot, 0);
        Sha256.Hash(slot.AsSpan(0, SlotBytes - Hash32.Size)).WriteTo(slot.AsSpan(SlotBytes - Hash32.Size));
        _file.Write((long)(sequence % 2) * SlotBytes, slot);
        _file.Sync();
        _sequence = sequence;
        State = new GuardState(sequence, _chainId, walGeneration, walSyncedBytes, record);
    }

    private static bool TryDecode(ReadOnlySpan<byte> slot, out GuardState state, out string why)
    {
        state = GuardState.Empty;
        if (Sha256.Hash(slot[..(SlotBytes - Hash32.Size)]) != new Hash32(slot[(SlotBytes - Hash32.Size)..]))
        {
            why = "checksum mismatch";
            return false;
        }
        try
        {
            var r = new CanonicalReader(slot[..(SlotBytes - Hash32.Size)]);
            if (r.ReadU32("magic") != Magic) throw new CodecException("not a guard slot");
            byte version = r.ReadU8("version");
            if (version != Version) throw new CodecException($"guard format version {version}, this build reads {Version}");
            ulong sequence = r.ReadU64("sequence");
            string chainId = r.ReadString(ChainIdBytesMax, "chain id");
            ulong generation = r.ReadU64("WAL generation");
            long synced = r.ReadI64("WAL synced bytes");
            SignRecord? record = r.ReadBool("has record") ? SignRecord.DecodeGuard(r.ReadBytesSpan(SignRecord.GuardBytesMax, "record")) : null;
            // The rest of the slot is zero padding (covered by the checksum).
            state = new GuardState(sequence, chainId, generation, synced, record);
            why = "";
            return true;
        }
        catch (CodecException e)
        {
            why = e.Message;
            return false;
        }
    }

    private static bool IsZero(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0;

    public void Dispose() => _file.Dispose();
}

/// <summary>One guard slot: its sequence number, chain, the WAL generation and durable length it vouches for, and the record.</summary>
internal sealed record GuardState(ulong Sequence, string ChainId, ulong WalGeneration, long WalSyncedBytes, SignRecord? Record)
{
    public static readonly GuardState Empty = new(0, "", 0, 0, null);
}
