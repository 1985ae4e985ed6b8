using Polis.Consensus;
using Polis.Simulation.Disk;
using static Polis.Consensus.Wal.Tests.JournalFixtures;

namespace Polis.Consensus.Wal.Tests;

/// <summary>Compaction, and crashes at every disk operation: nothing that was made durable is ever lost, and only damage to durable bytes stops a node.</summary>
public sealed class CompactionAndCrashTests
{
    private const long SmallCompactBytes = 2_000;

    [Fact]
    public void Compaction_keeps_the_last_signature_and_the_votes_of_heights_still_needed_and_tells_the_guard()
    {
        var disk = new SimDisk(new Random(1));
        using (var journal = ConsensusJournal.Open(disk, ChainId, WalRecoveryRules.Strict, SmallCompactBytes))
        {
            for (ulong h = 1; h <= 12; h++)
            {
                journal.AppendVote(Vote(h, 0));
                journal.Append(Record(h, 0, Step.Precommit));
            }
            Assert.True(journal.WalBytes >= SmallCompactBytes);
            journal.CompactIfLarge(keepFromHeight: 11);
            Assert.Equal(2UL, journal.WalGeneration);
            Assert.True(journal.WalBytes < SmallCompactBytes);
        }
        using var reopened = ConsensusJournal.Open(disk, ChainId);
        Assert.Equal(Record(12, 0, Step.Precommit), reopened.Last);
        Assert.Equal([11UL, 12UL], reopened.Votes.Select(v => v.Height));
        Assert.Empty(reopened.Warnings);
        Assert.Equal(2UL, reopened.WalGeneration);
    }

    [Fact]
    public void A_crash_at_every_step_of_a_compaction_leaves_a_journal_that_opens_with_everything_that_was_durable()
    {
        var (template, expectedLast) = JournalBeforeCompaction();
        for (int step = 0; step < 40; step++)
        {
            for (int seed = 1; seed <= 8; seed++)
            {
                var disk = ConsensusJournalTests.Clone(template, seed * 1000 + step);
                var journal = ConsensusJournal.Open(disk, ChainId, WalRecoveryRules.Strict, SmallCompactBytes);
                disk.CrashAfter(step);
                bool crashed = false;
                try { journal.CompactIfLarge(keepFromHeight: 11); }
                catch (SimulatedCrashException) { crashed = true; }
                disk.Crash();
                using var reopened = ConsensusJournal.Open(disk, ChainId);
                Assert.True(reopened.Last == expectedLast, $"crash after {step} operations (seed {seed}): last {reopened.Last}");
                Assert.Contains(11UL, reopened.Votes.Select(v => v.Height));
                Assert.Contains(12UL, reopened.Votes.Select(v => v.Height));
                if (!crashed) return; // every step has been crashed at
            }
        }
        Assert.Fail("compaction took more than 40 disk operations");
    }

    [Fact]
    public void A_crash_at_any_disk_operation_never_loses_a_signature_that_was_returned_and_never_stops_the_node()
    {
        for (int seed = 1; seed <= 300; seed++)
        {
            var random = new Random(seed);
            var disk = new SimDisk(new Random(seed));
            SignRecord? durable = null;
            ulong height = 1;
            for (int life = 0; life < 4; life++)
            {
                var journal = ConsensusJournal.Open(disk, ChainId, WalRecoveryRules.Strict, SmallCompactBytes);
                Assert.True(durable is null || NotBefore(journal.Last, durable), $"seed {seed}, life {life}: resumed at {journal.Last}, {durable} had been made durable");
                if (journal.Last is { } resumed) height = Math.Max(height, resumed.Height + 1);
                disk.CrashAfter(random.Next(1, 60));
                try
                {
                    for (int i = 0; i < 40; i++, height++)
                    {
                        journal.AppendVote(Vote(height, 0));
                        var record = Record(height, 0, Step.Prevote);
                        journal.Append(record);
                        durable = record;
                        journal.CompactIfLarge(height);
                    }
                    journal.Dispose();
                }
                catch (SimulatedCrashException)
                {
                }
                disk.Crash();
            }
        }
    }

    [Fact]
    public void A_damaged_sector_is_always_reported_and_never_resumes_behind_the_last_signature()
    {
        int refused = 0, reported = 0;
        for (int seed = 1; seed <= 400; seed++)
        {
            var disk = new SimDisk(new Random(seed));
            var last = Record(1, 0, Step.Propose);
            using (var journal = ConsensusJournal.Open(disk, ChainId))
            {
                for (ulong h = 1; h <= 6; h++)
                {
                    journal.AppendVote(Vote(h, 0));
                    journal.AppendVote(Vote(h, 1));
                    last = Record(h, 0, Step.Precommit);
                    journal.Append(last);
                }
            }
            string victim = seed % 3 == 0 ? SignGuard.FileName : ConsensusWal.FileName;
            Assert.True(disk.CorruptSector(victim) >= 0);
            try
            {
                using var reopened = ConsensusJournal.Open(disk, ChainId);
                Assert.True(reopened.Warnings.Count > 0, $"seed {seed}: damage to {victim} went unreported");
                Assert.True(NotBefore(reopened.Last, last), $"seed {seed}: resumed at {reopened.Last} after {last}");
                reported++;
            }
            catch (WalCorruptException)
            {
                refused++;
            }
        }
        Assert.True(refused > 0 && reported > 0, $"refused {refused}, opened with a warning {reported}");
    }

    private static (SimDisk Disk, SignRecord Last) JournalBeforeCompaction()
    {
        var disk = new SimDisk(new Random(99));
        SignRecord last = Record(1, 0, Step.Precommit);
        using (var journal = ConsensusJournal.Open(disk, ChainId, WalRecoveryRules.Strict, long.MaxValue))
        {
            for (ulong h = 1; h <= 12; h++)
            {
                journal.AppendVote(Vote(h, 0));
                last = Record(h, 0, Step.Precommit);
                journal.Append(last);
            }
        }
        return (disk, last);
    }
}
