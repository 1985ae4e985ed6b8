using Polis.Consensus;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Wal.Tests;

internal static class JournalFixtures
{
    public const string ChainId = "polis-wal-test";
    private static readonly KeyPair Voter = KeyPair.FromLabel("wal-voter");

    public static SignRecord Record(ulong height, int round, Step step) =>
        new(height, round, step, Sha256.Hash([(byte)height, (byte)round, (byte)step]), -1, -1, null, -1, null);

    public static Vote Vote(ulong height, int round) =>
        Polis.Core.Ledger.Vote.Create(ChainId, Voter, VoteType.Prevote, height, round, Sha256.Hash([(byte)height, (byte)round]));

    /// <summary>The order of what was signed: a later record never goes back.</summary>
    public static bool NotBefore(SignRecord? actual, SignRecord expected) =>
        actual is not null && !actual.IsBefore(expected.Height, expected.Round, expected.Step);
}
