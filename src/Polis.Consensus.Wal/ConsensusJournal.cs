using Polis.Core.Ledger;

namespace Polis.Consensus.Wal;

/// <summary>
/// A validator's consensus journal: the WAL (<see cref="ConsensusWal"/>: sign records with their
/// blocks, counted votes) and the double-sign guard (<see cref="SignGuard"/>: the last sign record
/// in a file compaction never rewrites). Each signature is appended to the WAL and fsynced, then
/// written to the guard and fsynced, before it leaves the process.
/// <para>
/// At open: a torn final write (a crash mid-append, past the last fsync) is cut and reported;
/// damage to anything that was durable stops the node with <see cref="WalCorruptException"/>
/// (resuming from less than was signed could sign twice); the record to resume from is the later
/// of the WAL's and the guard's, so losing either file alone never loses the last signature.
/// </para>
/// Threading: one owner (the node's loop).
/// </summary>
public sealed class ConsensusJournal : IDisposable
{
    /// <summary>Past this size the WAL is rewritten at the next height with only what is still needed.</summary>
    public const long DefaultCompactAtBytes = 4 * 1024 * 1024;
    public const string RecoverCommand = "polis node wal-recover";

    private readonly ConsensusWal _wal;
    private readonly SignGuard _guard;
    private readonly long _compactAtBytes;
    /// <summary>The directory's lock, held while this journal is open.</summary>
    private IDisposable? _owner;

    private ConsensusJournal(ConsensusWal wal, SignGuard guard, SignRecord? last, List<Vote> votes, List<string> warnings, long compactAtBytes)
    {
        (_wal, _guard, Last, Votes, Warnings, _compactAtBytes) = (wal, guard, last, votes, warnings, compactAtBytes);
    }

    /// <summary>What this validator signed last (null: nothing at all yet).</summary>
    public SignRecord? Last { get; private set; }
    /// <summary>Votes found in the WAL at open, oldest first (the node replays those of its working height, then clears this).</summary>
    public List<Vote> Votes { get; }
    /// <summary>What open found and repaired (a torn tail cut, a damaged guard slot, a missing WAL), for the log.</summary>
    public IReadOnlyList<string> Warnings { get; }
    public long WalBytes => _wal.Length;
    public ulong WalGeneration => _wal.Header.Generation;

    /// <summary>
    /// Opens (or creates) the journal. <paramref name="committedHeight"/> is the node's committed
    /// height: with no journal at all above 0, this validator may have signed at the next height
    /// before its journal was lost, so it does not start.
    /// </summary>
    public static ConsensusJournal Open(IWalDirectory dir, string chainId, ulong committedHeight = 0) =>
        Open(dir, chainId, WalRecoveryRules.Strict, committedHeight: committedHeight);

    internal static ConsensusJournal Open(IWalDirectory dir, string chainId, WalRecoveryRules rules, long compactAtBytes = DefaultCompactAtBytes,
        bool lockDirectory = true, ulong committedHeight = 0)
    {
        var owner = lockDirectory ? dir.Lock() : null;
        try
        {
            var journal = OpenLocked(dir, chainId, rules, compactAtBytes, committedHeight);
            journal._owner = owner;
            return journal;
        }
        catch
        {
            owner?.Dispose();
            throw;
        }
    }

    private static ConsensusJournal OpenLocked(IWalDirectory dir, string chainId, WalRecoveryRules rules, long compactAtBytes, ulong committedHeight)
    {
        var warnings = new List<string>();
        ConsensusWal.RemoveLeftovers(dir);
        bool walExists = dir.Exists(ConsensusWal.FileName);
        bool guardExists = dir.Exists(SignGuard.FileName);
        if (!walExists && !guardExists)
        {
            if (committedHeight > 0 && rules.ReadGuard)
                throw new WalCorruptException($"there is no consensus journal ({dir.Describe(SignGuard.FileName)} and {ConsensusWal.FileName} are missing), yet this node has committed height {committedHeight}: " +
                    $"it may have signed at height {committedHeight + 1} before the journal was lost. If this key never signed on this chain from another home, " +
                    $"`{RecoverCommand} --sign-above-height H` with H the chain's latest committed height plus one lets it sign again above H.", dir.Describe(SignGuard.FileName), -1);
            // The guard first: a WAL never exists without one unless someone removed it.
            var freshGuard = SignGuard.Create(dir, chainId);
            return new ConsensusJournal(ConsensusWal.Create(dir, chainId, 1), freshGuard, null, new List<Vote>(), warnings, compactAtBytes);
        }
        if (!guardExists)
        {
            if (rules.ReadGuard)
                throw new WalCorruptException($"the WAL {dir.Describe(ConsensusWal.FileName)} exists but the double-sign guard {dir.Describe(SignGuard.FileName)} does not. " +
                    $"If the guard was removed by mistake, restore it; otherwise `{RecoverCommand}` rebuilds it from the WAL.", dir.Describe(SignGuard.FileName), -1);
            SignGuard.Create(dir, chainId).Dispose();
        }
        var guard = SignGuard.Open(dir, chainId, warnings);
        try
        {
            var guarded = rules.ReadGuard ? guard.State : GuardState.Empty;
            if (rules.RefuseDurableDamage && guard.HadUnreadableSlot) RefuseIfWalDamaged(dir, chainId);
            var (wal, votes) = OpenWal(dir, chainId, guarded, rules, warnings);
            var walLast = wal.Last;
            if (rules.ReadGuard && guard.State.Sequence == 0 && walLast is not null)
                throw new WalCorruptException($"the double-sign guard {dir.Describe(SignGuard.FileName)} was never written, yet the WAL holds signatures: it was replaced. " +
                    $"`{RecoverCommand}` rebuilds it from the WAL.", dir.Describe(SignGuard.FileName), -1);
            var last = Later(walLast, guarded.Record, dir);
            // A WAL begun again (lost, set aside, unreadable header), or one behind the guard, gets the
            // guard's record too, so each file alone still knows the last signature, lock id included.
            if (last is not null && !ReferenceEquals(last, walLast)) wal.Append(last);
            var journal = new ConsensusJournal(wal, guard, last, votes, warnings, compactAtBytes);
            // A crash between the WAL's fsync and the guard's leaves the guard one record behind, and
            // a WAL begun again is of a generation the guard does not know yet: bring it level.
            bool guardBehind = last is not null && (guard.State.Record is null || guard.State.Record.IsBefore(last.Height, last.Round, last.Step));
            if (guardBehind || guard.State.WalGeneration != wal.Header.Generation || guard.State.WalSyncedBytes != wal.Length)
                guard.Write(guardBehind ? last : guard.State.Record, wal.Header.Generation, wal.Length);
            return journal;
        }
        catch
        {
            guard.Dispose();
            throw;
        }
    }

    private static (ConsensusWal Wal, List<Vote> Votes) OpenWal(IWalDirectory dir, string chainId, GuardState guarded, WalRecoveryRules rules, List<string> warnings)
    {
        string where = dir.Describe(ConsensusWal.FileName);
        if (!dir.Exists(ConsensusWal.FileName))
        {
            warnings.Add($"no WAL at {where}: resuming from the double-sign guard alone (no votes to replay; a lock is kept by its id)");
            return (ConsensusWal.Create(dir, chainId, guarded.WalGeneration + 1), new List<Vote>());
        }
        var file = dir.Open(ConsensusWal.FileName);
        try
        {
            var scan = WalScan.Read(file);
            if (scan.Header is null)
            {
                if (scan.FindSignRecordAfterDamage(file) && rules.RefuseDurableDamage) throw Corrupt(where, scan);
                warnings.Add($"the WAL {where} had no readable header ({scan.DamageReason}) and no signature after it: replaced by an empty one");
                file.Dispose();
                return (ConsensusWal.Create(dir, chainId, guarded.WalGeneration + 1), new List<Vote>());
            }
            if (scan.Header.ChainId != chainId)
                throw new WalCorruptException($"the WAL {where} belongs to chain '{scan.Header.ChainId}', this node runs '{chainId}'", where, 0);
            long durable = scan.Header.SyncedAtCreationBytes;
            bool guardKnowsThisFile = guarded.Sequence > 0 && guarded.WalGeneration == scan.Header.Generation;
            if (guardKnowsThisFile) durable = Math.Max(durable, guarded.WalSyncedBytes);
            else if (guarded.WalGeneration > scan.Header.Generation)
                warnings.Add($"the WAL {where} is of generation {scan.Header.Generation}, the guard knows {guarded.WalGeneration}: an older copy? Its votes may be incomplete; the guard decides what was signed");
            if (guardKnowsThisFile && scan.Length < guarded.WalSyncedBytes && rules.RefuseDurableDamage)
                throw new WalCorruptException($"the WAL {where} has {scan.Length} bytes, but the double-sign guard saw {guarded.WalSyncedBytes} of it on disk: " +
                    $"durable records are missing (an older copy, or a cut file). Check the disk, then `{RecoverCommand}`.", where, scan.Length);
            long keep = scan.Length;
            if (scan.DamageAt >= 0)
            {
                // The guard's write follows the WAL's fsync for every signature, so when it knows this
                // file it knows exactly how much of it was durable: damage past that is a torn write,
                // even with a whole sign record after it (whose fsync never returned: never sent).
                // Without it, a later sign record is what shows the damage was durable.
                bool durableDamage = scan.DamageAt < durable || !guardKnowsThisFile && scan.FindSignRecordAfterDamage(file);
                if (durableDamage && rules.RefuseDurableDamage) throw Corrupt(where, scan);
                warnings.Add($"the WAL {where}: cut off {scan.Length - scan.ValidEnd} bytes at offset {scan.ValidEnd} ({scan.DamageReason}), written after the last fsync: a crash tore them");
                keep = scan.ValidEnd;
            }
            return (ConsensusWal.Resume(dir, file, scan, keep), scan.Votes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The guard's newest slot was unreadable, so its record may be one signature behind; that is
    /// harmless only while the WAL is whole (a crash tears a guard write only after the WAL's fsync
    /// of the same record). Disk damage in both files at once is refused.
    /// </summary>
    private static void RefuseIfWalDamaged(IWalDirectory dir, string chainId)
    {
        if (!dir.Exists(ConsensusWal.FileName)) return;
        using var file = dir.Open(ConsensusWal.FileName);
        var scan = WalScan.Read(file);
        if (scan.Header is not null && scan.Header.ChainId == chainId && scan.DamageAt < 0) return;
        string where = dir.Describe(SignGuard.FileName);
        throw new WalCorruptException($"a slot of the double-sign guard {where} is unreadable and the WAL {dir.Describe(ConsensusWal.FileName)} is damaged too " +
            $"({(scan.Header is null ? "no readable header" : scan.DamageReason)}): what this validator signed last is unknown. Check the disk, then " +
            $"`{RecoverCommand} --sign-above-height H` with H the chain's latest committed height plus one.", where, -1);
    }

    private static WalCorruptException Corrupt(string where, WalScan scan) =>
        new($"the WAL {where} is damaged at offset {scan.DamageAt} ({scan.DamageReason}), inside what was already on disk before a later signature: " +
            $"the node does not start, since resuming from less than it signed could make it sign twice. Check the disk, then `{RecoverCommand}` " +
            "sets the WAL aside and the node resumes from the double-sign guard.", where, scan.DamageAt);

    /// <summary>The later of the two records; at the same (height, round, step) they must agree.</summary>
    private static SignRecord? Later(SignRecord? wal, SignRecord? guard, IWalDirectory dir)
    {
        if (wal is null) return guard;
        if (guard is null) return wal;
        if (wal.Height == guard.Height && wal.Round == guard.Round && wal.Step == guard.Step)
        {
            if (!wal.SignsSameAs(guard))
                throw new WalCorruptException($"the WAL and the double-sign guard disagree on what was signed at height {wal.Height} round {wal.Round} {wal.Step}: " +
                    $"one of them is not this validator's. Check both, then `{RecoverCommand}`.", dir.Describe(SignGuard.FileName), -1);
            return wal; // the WAL's carries the blocks
        }
        return wal.IsBefore(guard.Height, guard.Round, guard.Step) ? guard : wal;
    }

    /// <summary>Appends the record to the WAL and fsyncs, then to the guard and fsyncs: it may be sent once this returns.</summary>
    public void Append(SignRecord record)
    {
        long durable = _wal.Append(record);
        _guard.Write(record, _wal.Header.Generation, durable);
        Last = record;
    }

    /// <summary>Appends a counted vote; it reaches the disk with the next signature.</summary>
    public void AppendVote(Vote vote) => _wal.AppendVote(vote);

    /// <summary>At a new height: if the WAL is large, rewrites it with what is still needed (<see cref="ConsensusWal.Compact"/>); the guard is told the new generation.</summary>
    public void CompactIfLarge(ulong keepFromHeight)
    {
        if (_wal.Length < _compactAtBytes) return;
        _wal.Compact(keepFromHeight);
        _guard.Write(_guard.State.Record, _wal.Header.Generation, _wal.Length);
    }

    public void Dispose()
    {
        try
        {
            try { _wal.Dispose(); }
            finally { _guard.Dispose(); }
        }
        finally
        {
            _owner?.Dispose();
        }
    }
}
