using Polis.Consensus;
using Polis.Core.Crypto;
using Polis.Simulation.Disk;
using Polis.Testing;
using static Polis.Consensus.Wal.Tests.JournalFixtures;

namespace Polis.Consensus.Wal.Tests;

/// <summary>The journal's edges found by review: each case once made a node refuse a clean crash, forget a lock, or sign twice.</summary>
public sealed class JournalRecoveryEdgeTests
{
    [Fact]
    public void A_lock_known_only_by_id_survives_the_WAL_after_a_resume_from_the_guard()
    {
        var disk = new SimDisk(new Random(11));
        var lockId = Sha256.Hash([42]);
        using (var journal = ConsensusJournal.Open(disk, ChainId))
            journal.Append(Record(5, 1, Step.Precommit) with { LockedRound = 1, LockedBlockId = lockId });
        disk.Delete(ConsensusWal.FileName);
        disk.Sync();
        using (var resumed = ConsensusJournal.Open(disk, ChainId))
            resumed.Append(Record(5, 2, Step.Prevote) with { LockedRound = 1, LockedBlockId = lockId }); // still locked, by id
        // Now the guard is lost instead: the WAL alone must still know the lock.
        disk.Delete(SignGuard.FileName);
        disk.Sync();
        JournalRepair.Run(disk, ChainId, signAboveHeight: null);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(lockId, reopened.Last!.LockedBlockId);
        Assert.Equal(1, reopened.Last.LockedRound);
    }

    [Fact]
    public void A_WAL_begun_again_holds_the_guards_record_so_losing_the_guard_next_loses_nothing()
    {
        var disk = new SimDisk(new Random(12));
        using (var journal = ConsensusJournal.Open(disk, ChainId)) journal.Append(Record(9, 0, Step.Precommit));
        disk.Delete(ConsensusWal.FileName);
        disk.Sync();
        using (ConsensusJournal.Open(disk, ChainId)) { } // resumed from the guard; nothing signed since
        disk.Delete(SignGuard.FileName);
        disk.Sync();
        Assert.Contains("rebuilt", JournalRepair.Run(disk, ChainId, signAboveHeight: null).Done);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(9, 0, Step.Precommit), reopened.Last);
    }

    [Fact]
    public void Votes_torn_before_a_signature_whose_fsync_never_returned_are_cut_not_refused()
    {
        // Many votes between two signatures are written (not synced) in 64 KiB runs. A crash while
        // the second signature's fsync ran can keep its record yet lose an earlier vote page: the
        // guard still vouches for the first signature only, so everything after it was never durable.
        using var dir = new TempDirectory();
        var disk = new FileWalDirectory(dir.Path);
        byte[] guardAfterFirst;
        long firstEnd;
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(3, 0, Step.Prevote));
            firstEnd = journal.WalBytes;
            guardAfterFirst = File.ReadAllBytes(Path.Combine(dir.Path, SignGuard.FileName));
            for (int i = 0; i < 2_000; i++) journal.AppendVote(Vote(3, i % 50));
            journal.Append(Record(3, 0, Step.Precommit));
        }
        // The guard's write for the second signature never happened, and a vote page was lost.
        File.WriteAllBytes(Path.Combine(dir.Path, SignGuard.FileName), guardAfterFirst);
        using (var wal = File.OpenWrite(Path.Combine(dir.Path, ConsensusWal.FileName)))
        {
            wal.Position = firstEnd + 4096;
            wal.Write(new byte[512]);
        }
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(3, 0, Step.Prevote), reopened.Last);
        Assert.Contains(reopened.Warnings, w => w.Contains("cut off"));
        reopened.Append(Record(3, 0, Step.Precommit)); // the same again: it was never sent
    }

    [Fact]
    public void Damage_the_guard_vouches_for_is_still_refused_however_little_follows_it()
    {
        using var dir = new TempDirectory();
        var disk = new FileWalDirectory(dir.Path);
        long firstEnd;
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            for (int i = 0; i < 200; i++) journal.AppendVote(Vote(3, i % 50));
            journal.Append(Record(3, 0, Step.Prevote));
            firstEnd = journal.WalBytes;
        }
        using (var wal = File.OpenWrite(Path.Combine(dir.Path, ConsensusWal.FileName)))
        {
            wal.Position = firstEnd / 2;
            wal.Write(new byte[64]);
        }
        var refused = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        Assert.Contains("wal-recover", refused.Message);
    }

    [Fact]
    public void The_floor_is_raised_to_any_signature_the_journal_still_shows()
    {
        var disk = new SimDisk(new Random(13));
        using (var journal = ConsensusJournal.Open(disk, ChainId)) journal.Append(Record(30, 2, Step.Precommit));
        var outcome = JournalRepair.Run(disk, ChainId, signAboveHeight: 10);
        Assert.Contains("raised from 10", outcome.Done);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.True(reopened.Last!.IsFloor);
        Assert.False(reopened.Last.IsBefore(30, 5, Step.Precommit));
    }

    [Fact]
    public void A_crash_at_any_step_of_the_floor_repair_never_leaves_a_validator_that_never_signed()
    {
        var source = new SimDisk(new Random(14));
        using (var journal = ConsensusJournal.Open(source, ChainId)) journal.Append(Record(40, 0, Step.Prevote));
        for (int step = 1; step <= 12; step++)
        for (int seed = 0; seed < 8; seed++)
        {
            var disk = ConsensusJournalTests.Clone(source, 100 * step + seed);
            disk.CrashAfter(step);
            try { JournalRepair.Run(disk, ChainId, signAboveHeight: 50); }
            catch (SimulatedCrashException) { }
            disk.Crash();
            SignRecord? last;
            try
            {
                using var reopened = ConsensusJournal.Open(disk, ChainId);
                last = reopened.Last;
            }
            catch (WalCorruptException)
            {
                continue; // refused: the operator runs the repair again
            }
            Assert.True(NotBefore(last, Record(40, 0, Step.Prevote)), $"step {step} seed {seed}: resumed from {last?.ToString() ?? "nothing"}");
        }
    }

    [Fact]
    public void A_guard_torn_while_it_was_created_reads_as_nothing_signed_only_while_no_WAL_says_otherwise()
    {
        var disk = new SimDisk(new Random(15));
        using (SignGuard.Create(disk, ChainId)) { }
        Damage(disk, SignGuard.FileName, SignGuard.SlotBytes + 20); // slot 1, the creation's write
        using (var fresh = ConsensusJournal.Open(disk, ChainId)) Assert.Null(fresh.Last);

        var signed = new SimDisk(new Random(16));
        using (var journal = ConsensusJournal.Open(signed, ChainId)) journal.Append(Record(2, 0, Step.Prevote));
        // Only slot 1 readable is normal; slot 0 holds the signature. Zero slot 0 and damage slot 1:
        using (var g = signed.Open(SignGuard.FileName)) { g.Write(0, new byte[SignGuard.SlotBytes]); g.Sync(); }
        Damage(signed, SignGuard.FileName, SignGuard.SlotBytes + 20);
        Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(signed, ChainId)); // the WAL holds a signature
    }

    [Fact]
    public void A_second_owner_of_the_journal_directory_is_refused_until_the_first_lets_go()
    {
        using var dir = new TempDirectory();
        var disk = new FileWalDirectory(dir.Path);
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            var second = Assert.Throws<IOException>(() => ConsensusJournal.Open(new FileWalDirectory(dir.Path), ChainId));
            Assert.Contains("in use", second.Message);
            Assert.Throws<IOException>(() => JournalRepair.Run(new FileWalDirectory(dir.Path), ChainId, signAboveHeight: 5));
            journal.Append(Record(1, 0, Step.Prevote));
        }
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(1, 0, Step.Prevote), reopened.Last);
    }

    [Fact]
    public void A_record_with_lock_and_valid_ids_alone_round_trips_through_the_WAL_encoding()
    {
        var record = Record(7, 3, Step.Prevote) with { LockedRound = 2, LockedBlockId = Sha256.Hash([1]), ValidRound = 2, ValidBlockId = Sha256.Hash([2]) };
        var decoded = SignRecord.Decode(record.ToBytes());
        Assert.Equal(record.LockedBlockId, decoded.LockedBlockId);
        Assert.Equal(record.ValidBlockId, decoded.ValidBlockId);
        Assert.Null(decoded.LockedBlock);
        Assert.True(decoded.SignsSameAs(record));
    }

    [Fact]
    public void A_validator_with_committed_blocks_and_no_journal_does_not_start_and_its_floor_is_above_what_it_committed()
    {
        using (var dir = new TempDirectory())
        {
            var real = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(new FileWalDirectory(dir.Path), ChainId, committedHeight: 25));
            Assert.Contains("--sign-above-height", real.Message);
        }
        var disk = new SimDisk(new Random(17));
        var refused = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId, committedHeight: 25));
        Assert.Contains("--sign-above-height", refused.Message);
        Assert.Throws<WalCorruptException>(() => JournalRepair.Run(disk, ChainId, signAboveHeight: null, committedHeight: 25));
        var outcome = JournalRepair.Run(disk, ChainId, signAboveHeight: 3, committedHeight: 25); // a stale height typed by mistake
        Assert.Contains("raised from 3", outcome.Done);
        using var reopened = ConsensusJournal.Open(disk, ChainId, committedHeight: 25);
        Assert.False(reopened.Last!.IsBefore(26, 1000, Step.Precommit)); // nothing at 26, where it may have signed
        Assert.True(reopened.Last.IsBefore(27, 0, Step.Propose));
    }

    [Fact]
    public void A_guard_slot_lost_together_with_damage_in_the_WAL_is_refused_and_only_a_floor_repairs_it()
    {
        var disk = new SimDisk(new Random(18));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(4, 0, Step.Prevote));
            journal.Append(Record(4, 0, Step.Precommit)); // guard sequence 3: slot 1
        }
        Damage(disk, SignGuard.FileName, SignGuard.SlotBytes + 20); // the newest slot: the guard reads one signature behind
        long walLength = disk.LengthOf(ConsensusWal.FileName);
        Damage(disk, ConsensusWal.FileName, walLength - 3); // and the WAL's last record: it would read as a torn tail
        var refused = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        Assert.Contains("unreadable", refused.Message);
        Assert.Throws<WalCorruptException>(() => JournalRepair.Run(disk, ChainId, signAboveHeight: null));
        JournalRepair.Run(disk, ChainId, signAboveHeight: 5);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.True(NotBefore(reopened.Last, Record(4, 0, Step.Precommit)));
    }

    [Fact]
    public void A_WAL_shorter_than_the_guard_saw_on_disk_is_refused()
    {
        var disk = new SimDisk(new Random(19));
        long firstEnd;
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(6, 0, Step.Prevote));
            firstEnd = journal.WalBytes;
            journal.Append(Record(6, 0, Step.Precommit));
        }
        using (var wal = disk.Open(ConsensusWal.FileName)) { wal.SetLength(firstEnd); wal.Sync(); } // cut at a record boundary
        var refused = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        Assert.Contains("missing", refused.Message);
    }

    [Fact]
    public void A_guard_slot_zeroed_by_the_disk_beside_a_later_one_counts_as_lost_and_with_WAL_damage_is_refused()
    {
        var disk = new SimDisk(new Random(20));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(4, 0, Step.Prevote)); // sequence 2: slot 0
            journal.Append(Record(4, 0, Step.Precommit)); // sequence 3: slot 1
        }
        using (var g = disk.Open(SignGuard.FileName)) { g.Write(SignGuard.SlotBytes, new byte[SignGuard.SlotBytes]); g.Sync(); } // the newest slot reads as zeros
        Damage(disk, ConsensusWal.FileName, disk.LengthOf(ConsensusWal.FileName) - 3);
        Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
    }

    [Fact]
    public void Without_a_guard_a_WAL_with_any_damage_cannot_rebuild_it()
    {
        var disk = new SimDisk(new Random(21));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(5, 0, Step.Prevote));
            journal.Append(Record(5, 0, Step.Precommit));
        }
        disk.Delete(SignGuard.FileName);
        disk.Sync();
        Damage(disk, ConsensusWal.FileName, disk.LengthOf(ConsensusWal.FileName) - 3); // the last signature itself
        var refused = Assert.Throws<WalCorruptException>(() => JournalRepair.Run(disk, ChainId, signAboveHeight: null));
        Assert.Contains("--sign-above-height", refused.Message);
    }

    private static void Damage(SimDisk disk, string name, long offset)
    {
        using var file = disk.Open(name);
        var b = new byte[1];
        file.Read(offset, b);
        b[0] ^= 0xFF;
        file.Write(offset, b);
        file.Sync();
    }
}
