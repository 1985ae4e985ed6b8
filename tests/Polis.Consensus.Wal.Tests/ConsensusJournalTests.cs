using Polis.Consensus;
using Polis.Simulation.Disk;
using Polis.Testing;
using static Polis.Consensus.Wal.Tests.JournalFixtures;

namespace Polis.Consensus.Wal.Tests;

public sealed class ConsensusJournalTests
{
    [Fact]
    public void The_last_record_and_the_votes_survive_a_reopen_on_the_real_file_system()
    {
        using var dir = new TempDirectory();
        var disk = new FileWalDirectory(dir.Path);
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            Assert.Null(journal.Last);
            journal.AppendVote(Vote(1, 0));
            journal.Append(Record(1, 0, Step.Prevote));
            journal.Append(Record(1, 0, Step.Precommit));
        }
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(1, 0, Step.Precommit), reopened.Last);
        Assert.Equal([Vote(1, 0).ToBytes()], reopened.Votes.Select(v => v.ToBytes()));
        Assert.Empty(reopened.Warnings);
        Assert.True(File.Exists(Path.Combine(dir.Path, "sign_guard")));
    }

    [Fact]
    public void A_torn_final_record_is_cut_and_reported_and_the_previous_record_wins()
    {
        var disk = new SimDisk(new Random(1));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(2, 1, Step.Prevote));
        }
        long before = disk.LengthOf(ConsensusWal.FileName);
        // The next append is torn by a crash before its fsync finished: only a prefix reached the disk.
        for (int seed = 1; seed <= 40; seed++)
        {
            var copy = Clone(disk, seed);
            var journal = ConsensusJournal.Open(copy, ChainId); // not disposed: the process dies
            copy.CrashAfter(1); // the write happens, the fsync does not
            Assert.Throws<SimulatedCrashException>(() => journal.Append(Record(2, 1, Step.Precommit)));
            copy.Crash();
            using var reopened = ConsensusJournal.Open(copy, ChainId);
            Assert.True(reopened.Last == Record(2, 1, Step.Prevote) || reopened.Last == Record(2, 1, Step.Precommit), $"seed {seed}: {reopened.Last}");
            if (copy.LengthOf(ConsensusWal.FileName) > before && reopened.Last == Record(2, 1, Step.Prevote))
                Assert.Contains(reopened.Warnings, w => w.Contains("cut off"));
            reopened.Append(Record(2, 2, Step.Prevote));
        }
    }

    [Fact]
    public void Damage_before_the_last_fsync_stops_the_node_with_the_offset_and_the_command_to_run()
    {
        var disk = new SimDisk(new Random(2));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.AppendVote(Vote(3, 0));
            journal.Append(Record(3, 0, Step.Prevote));
            journal.Append(Record(3, 0, Step.Precommit));
        }
        // Flip a bit inside the first sign record: synced, with a later sign record after it.
        var file = disk.Open(ConsensusWal.FileName);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        long secondRecord = FindFrames(bytes)[2];
        bytes[secondRecord + WalFrame.HeaderBytes + 3] ^= 0x10;
        file.Write(0, bytes);
        file.Sync();

        var e = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        Assert.Equal(secondRecord, e.Offset);
        Assert.Contains("polis node wal-recover", e.Message);
        Assert.Contains($"offset {secondRecord}", e.Message);
    }

    [Fact]
    public void Damage_to_the_final_record_when_the_guard_vouches_for_it_is_refused_not_cut()
    {
        var disk = new SimDisk(new Random(3));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(4, 0, Step.Prevote));
            journal.Append(Record(4, 0, Step.Precommit));
        }
        var file = disk.Open(ConsensusWal.FileName);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        bytes[^2] ^= 0x01;
        file.Write(0, bytes);
        file.Sync();
        Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
    }

    [Fact]
    public void With_the_WAL_deleted_the_guard_still_holds_the_last_signature_and_the_lock()
    {
        var disk = new SimDisk(new Random(4));
        var locked = Record(5, 1, Step.Precommit) with { LockedRound = 1, LockedBlockId = Polis.Core.Crypto.Sha256.Hash([9]) };
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(5, 1, Step.Prevote));
            journal.Append(locked);
        }
        disk.Delete(ConsensusWal.FileName);
        disk.Sync();
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.NotNull(reopened.Last);
        Assert.True(reopened.Last!.SignsSameAs(locked));
        Assert.Equal(locked.LockedBlockId, reopened.Last.LockedBlockId);
        Assert.Equal(1, reopened.Last.LockedRound);
        Assert.Contains(reopened.Warnings, w => w.Contains("no WAL"));
    }

    [Fact]
    public void Without_the_guard_the_node_refuses_until_the_operator_rebuilds_it_from_the_WAL()
    {
        var disk = new SimDisk(new Random(5));
        using (var journal = ConsensusJournal.Open(disk, ChainId)) journal.Append(Record(6, 0, Step.Prevote));
        disk.Delete(SignGuard.FileName);
        disk.Sync();
        var refused = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        Assert.Contains("wal-recover", refused.Message);
        var outcome = JournalRepair.Run(disk, ChainId, signAboveHeight: null);
        Assert.Contains("rebuilt", outcome.Done);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(6, 0, Step.Prevote), reopened.Last);
    }

    [Fact]
    public void A_damaged_WAL_is_set_aside_by_the_repair_and_the_node_resumes_from_the_guard()
    {
        var disk = new SimDisk(new Random(6));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(7, 0, Step.Prevote));
            journal.Append(Record(7, 0, Step.Precommit));
        }
        var file = disk.Open(ConsensusWal.FileName);
        var bytes = new byte[file.Length];
        file.Read(0, bytes);
        bytes[FindFrames(bytes)[1] + WalFrame.HeaderBytes + 2] ^= 0x01;
        file.Write(0, bytes);
        file.Sync();
        Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        Assert.Contains("set aside", JournalRepair.Run(disk, ChainId, null).Done);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.True(reopened.Last!.SignsSameAs(Record(7, 0, Step.Precommit)));
    }

    [Fact]
    public void When_neither_file_can_be_trusted_only_a_named_height_lets_the_validator_sign_again_and_only_above_it()
    {
        var disk = new SimDisk(new Random(7));
        using (var journal = ConsensusJournal.Open(disk, ChainId)) journal.Append(Record(8, 0, Step.Prevote));
        foreach (var name in new[] { ConsensusWal.FileName, SignGuard.FileName })
        {
            var f = disk.Open(name);
            var b = new byte[f.Length];
            f.Read(0, b);
            for (int i = 0; i < b.Length; i += 64) b[i] ^= 0xFF;
            f.Write(0, b);
            f.Sync();
        }
        Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, ChainId));
        var unknown = Assert.Throws<WalCorruptException>(() => JournalRepair.Run(disk, ChainId, null));
        Assert.Contains("--sign-above-height", unknown.Message);
        JournalRepair.Run(disk, ChainId, signAboveHeight: 20);
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.True(reopened.Last!.IsFloor);
        Assert.False(reopened.Last.IsBefore(20, 1000, Step.Precommit));
        Assert.True(reopened.Last.IsBefore(21, 0, Step.Propose));
    }

    [Fact]
    public void A_guard_of_another_chain_is_refused()
    {
        var disk = new SimDisk(new Random(8));
        using (var journal = ConsensusJournal.Open(disk, ChainId)) journal.Append(Record(1, 0, Step.Prevote));
        var e = Assert.Throws<WalCorruptException>(() => ConsensusJournal.Open(disk, "another-chain"));
        Assert.Contains("another-chain", e.Message);
    }

    [Fact]
    public void One_damaged_guard_slot_is_reported_and_the_WAL_keeps_the_last_signature()
    {
        var disk = new SimDisk(new Random(9));
        using (var journal = ConsensusJournal.Open(disk, ChainId))
        {
            journal.Append(Record(9, 0, Step.Prevote));
            journal.Append(Record(9, 0, Step.Precommit));
        }
        var guard = disk.Open(SignGuard.FileName);
        var slots = new byte[2 * SignGuard.SlotBytes];
        guard.Read(0, slots);
        // The newest slot (sequence 3 after create + two appends: slot 1) is damaged.
        slots[SignGuard.SlotBytes + 20] ^= 0x01;
        guard.Write(0, slots);
        guard.Sync();
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(9, 0, Step.Precommit), reopened.Last);
        Assert.Contains(reopened.Warnings, w => w.Contains("slot 1"));
    }

    private static List<long> FindFrames(byte[] bytes)
    {
        var offsets = new List<long>();
        long at = 0;
        while (at + WalFrame.HeaderBytes <= bytes.Length)
        {
            offsets.Add(at);
            at += WalFrame.HeaderBytes + WalFrame.PayloadLength(bytes.AsSpan((int)at));
        }
        return offsets;
    }

    /// <summary>A copy of a disk's durable state, with its own seed for what a crash keeps.</summary>
    internal static SimDisk Clone(SimDisk source, int seed)
    {
        var copy = new SimDisk(new Random(seed));
        foreach (var name in source.Files.ToList())
        {
            var from = source.Open(name);
            var bytes = new byte[from.Length];
            from.Read(0, bytes);
            var to = copy.Create(name);
            to.Write(0, bytes);
            to.Sync();
        }
        copy.Sync();
        return copy;
    }
}
