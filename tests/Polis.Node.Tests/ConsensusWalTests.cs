using Polis.Consensus;
using Polis.Core.Crypto;
using Polis.Node.Wal;
using Polis.Testing;

namespace Polis.Node.Tests;

public sealed class ConsensusWalTests
{
    private static SignRecord Record(ulong height, int round, Step step) =>
        new(height, round, step, Sha256.Hash([(byte)height, (byte)round]), -1, -1, null, -1, null);

    [Fact]
    public void The_last_record_survives_a_reopen()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "wal");
        using (var wal = new ConsensusWal(path))
        {
            Assert.Null(wal.Last);
            wal.Append(Record(1, 0, Step.Prevote));
            wal.Append(Record(1, 0, Step.Precommit));
        }
        using var reopened = new ConsensusWal(path);
        Assert.Equal(Record(1, 0, Step.Precommit), reopened.Last);
        Assert.Equal(0, reopened.TruncatedBytes);
    }

    [Fact]
    public void A_torn_tail_is_cut_off_and_the_previous_record_wins()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "wal");
        using (var wal = new ConsensusWal(path))
        {
            wal.Append(Record(2, 1, Step.Prevote));
            wal.Append(Record(2, 1, Step.Precommit));
        }
        long full = new FileInfo(path).Length;
        for (int cut = 1; cut < 40; cut += 7)
        {
            string copy = Path.Combine(dir.Path, $"wal-{cut}");
            File.Copy(path, copy);
            using (var f = new FileStream(copy, FileMode.Open)) f.SetLength(full - cut);
            using var reopened = new ConsensusWal(copy);
            Assert.Equal(Record(2, 1, Step.Prevote), reopened.Last);
            Assert.True(reopened.TruncatedBytes > 0);
            reopened.Append(Record(2, 2, Step.Prevote));
        }
    }

    [Fact]
    public void Votes_before_a_sign_record_are_replayed_and_unsynced_ones_after_the_last_record_may_be_lost()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "wal");
        using var key = KeyPair.FromLabel("wal-voter");
        var prevote = Polis.Core.Ledger.Vote.Create("polis-test", key, Polis.Core.Ledger.VoteType.Prevote, 5, 0, Sha256.Hash([5]));
        using (var wal = new ConsensusWal(path))
        {
            wal.AppendVote(prevote);
            wal.Append(Record(5, 0, Step.Precommit));
        }
        using var reopened = new ConsensusWal(path);
        Assert.Equal([prevote.ToBytes()], reopened.Votes.Select(v => v.ToBytes()));
        Assert.Equal(Record(5, 0, Step.Precommit), reopened.Last);
    }

    [Fact]
    public void A_corrupted_record_is_not_trusted()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "wal");
        using (var wal = new ConsensusWal(path))
        {
            wal.Append(Record(3, 0, Step.Prevote));
            wal.Append(Record(3, 0, Step.Precommit));
        }
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        using var reopened = new ConsensusWal(path);
        Assert.Equal(Record(3, 0, Step.Prevote), reopened.Last);
    }
}
