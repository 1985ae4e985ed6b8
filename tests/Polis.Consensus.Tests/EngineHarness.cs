using Polis.Consensus;
using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus.Tests;

/// <summary>Steps one engine directly: builds signed messages from the other validators and records actions.</summary>
internal sealed class EngineHarness
{
    public const string ChainId = "polis-test";
    public static readonly KeyPair[] Keys = Enumerable.Range(0, 7).Select(i => KeyPair.FromLabel($"consensus-test-{i}")).ToArray();

    public ValidatorSet Validators { get; }
    public ConsensusEngine Engine { get; }
    public KeyPair Me { get; }
    public List<ConsensusAction> Actions { get; } = new();

    public EngineHarness(int me = 0, ulong[]? powers = null, ConsensusOptions? options = null, int count = 4)
    {
        powers ??= Enumerable.Repeat(1UL, count).ToArray();
        Validators = new ValidatorSet(powers.Select((p, i) => new Validator(Keys[i].PublicKey, p)).ToArray());
        Me = Keys[me];
        Engine = new ConsensusEngine(ChainId, Me, options ?? new ConsensusOptions());
    }

    public IReadOnlyList<ConsensusAction> Send(ConsensusEvent e)
    {
        var actions = Engine.Handle(e);
        Actions.AddRange(actions);
        return actions;
    }

    public IReadOnlyList<ConsensusAction> Start(ulong height = 1) => Send(new StartHeight(height, Validators));

    public int KeyIndexOfProposer(ulong height, int round)
    {
        var address = Validators.Proposer(height, round).Address;
        return Array.FindIndex(Keys, k => k.Address == address);
    }

    /// <summary>A round (at height 1) whose proposer is, or is not, this harness's validator.</summary>
    public int RoundWhereProposerIs(bool me, ulong height = 1)
    {
        for (int r = 0; r < 100; r++)
            if ((Validators.Proposer(height, r).Address == Me.Address) == me) return r;
        throw new InvalidOperationException("no such round");
    }

    public static Block MakeBlock(ulong height, int salt)
    {
        var header = new BlockHeader(ChainId, height, 1_000 + salt, Hash32.Zero, Block.TransactionsRoot([]), Sha256.Hash([(byte)salt]),
            Hash32.Zero, Keys[0].Address, Hash32.Zero, Block.EvidenceRootOf([]));
        return new Block(header, [], null, []);
    }

    public ProposalReceived Proposal(Block block, int round, int validRound = -1, ulong height = 1)
    {
        var proposer = Keys[KeyIndexOfProposer(height, round)];
        return new ProposalReceived(Core.Ledger.Proposal.Create(ChainId, proposer, height, round, validRound, block.Id), block);
    }

    public static VoteReceived Vote(int validator, VoteType type, int round, Hash32 blockId, ulong height = 1) =>
        new(Core.Ledger.Vote.Create(ChainId, Keys[validator], type, height, round, blockId));

    /// <summary>Votes from the given validators (not this one).</summary>
    public void Votes(VoteType type, int round, Hash32 blockId, params int[] validators)
    {
        foreach (int v in validators) Send(Vote(v, type, round, blockId));
    }

    public IReadOnlyList<ConsensusAction> Valid(Block block, bool valid = true) =>
        Send(new BlockValidated(block.Height, block.Id, valid ? BlockVerdict.Valid : BlockVerdict.Invalid, valid ? "" : "bad"));

    public IReadOnlyList<ConsensusAction> NotYetValid(Block block) => Send(new BlockValidated(block.Height, block.Id, BlockVerdict.NotYetValid, "ahead of the clock"));

    public IEnumerable<Vote> SentVotes(VoteType type) => Actions.OfType<BroadcastVote>().Select(b => b.Vote).Where(v => v.Type == type);
    public Vote LastVote(VoteType type) => SentVotes(type).Last();
    public IEnumerable<ScheduleTimeout> Timeouts(Step step) => Actions.OfType<ScheduleTimeout>().Where(t => t.Step == step);
    public int[] Others => Enumerable.Range(0, Validators.Count).Where(i => Keys[i].Address != Me.Address).ToArray();
}
