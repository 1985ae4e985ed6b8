using Polis.Consensus.Actions;
using Polis.Consensus.Events;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Consensus;

/// <summary>
/// Tendermint (Buchman, Kwon, Milosevic 2018, Algorithm 1) as a pure state machine: events in,
/// actions out, in order. No clock, threads, I/O or randomness: the driver owns time (it fires the
/// timeouts it is asked to schedule), the network and storage. One instance runs one validator
/// (or, without a signing key, follows the chain as an observer).
/// </summary>
public sealed partial class ConsensusEngine
{
    private readonly string _chainId;
    private readonly KeyPair? _signer;
    private readonly ConsensusOptions _options;
    private readonly ISignatureVerifier _verifier;

    private ValidatorSet? _validators;
    private ulong _height;
    private int _round;
    private Step _step;
    private Block? _lockedBlock;
    private Hash32? _lockedBlockId; // kept apart: restored from the guard alone, the id is known and the block is not
    private int _lockedRound = -1;
    private Block? _validBlock;
    private Hash32? _validBlockId;
    private int _validRound = -1;
    private bool _decided;
    private readonly Dictionary<int, RoundState> _rounds = new();
    private readonly Dictionary<Hash32, bool> _validity = new();
    private readonly HashSet<Hash32> _validationRequested = new();
    /// <summary>Blocks judged not valid yet: treated as invalid until time passes, then asked about again.</summary>
    private readonly HashSet<Hash32> _notYetValid = new();
    private readonly Dictionary<Address, int> _highestRoundSeen = new();
    private readonly HashSet<int> _buildRequested = new();
    private readonly List<ConsensusEvent> _future = new();
    /// <summary>What each validator has in <see cref="_future"/>: a Byzantine one fills only its own share.</summary>
    private readonly Dictionary<Address, (int Messages, long Bytes)> _futureBySender = new();
    private long _futureBytes;
    private ulong _catchUpRequestedAt;
    private List<ConsensusAction> _actions = new();

    public ConsensusEngine(string chainId, KeyPair? signer, ConsensusOptions? options = null, ISignatureVerifier? verifier = null)
    {
        ChainId.Check(chainId);
        _chainId = chainId;
        _signer = signer;
        _options = options ?? new ConsensusOptions();
        _verifier = verifier ?? DirectSignatureVerifier.Instance;
    }

    public ulong Height => _height;
    public int Round => _round;
    public Step Step => _step;
    public int LockedRound => _lockedRound;
    public Hash32? LockedBlockId => _lockedBlockId;
    public int ValidRound => _validRound;
    public Hash32? ValidBlockId => _validBlockId;
    public bool HasDecided => _decided;
    /// <summary>The last thing this validator signed (what its WAL holds).</summary>
    public SignRecord? LastSigned => _lastSigned;
    public Address? Address => _signer?.Address;

    /// <summary>Feeds one event and returns the actions it causes, to be carried out in order.</summary>
    public IReadOnlyList<ConsensusAction> Handle(ConsensusEvent input)
    {
        _actions = new List<ConsensusAction>();
        switch (input)
        {
            case StartHeight start: OnStartHeight(start); break;
            case ProposalReceived p: OnProposal(p); break;
            case VoteReceived v: OnVote(v.Vote); break;
            case TimeoutFired t: OnTimeout(t); break;
            case BlockValidated b: OnBlockValidated(b); break;
            case BlockBuilt b: OnBlockBuilt(b); break;
            case CommitReceived c: OnCommitReceived(c); break;
            case QuorumClaimed q: OnQuorumClaimed(q); break;
            default: throw new ArgumentException($"unknown event {input.GetType().Name}", nameof(input));
        }
        if (_validators is not null) ApplyRules();
        return _actions;
    }

    private void OnStartHeight(StartHeight start)
    {
        Invariant.Check(start.Height > _height, $"start height {start.Height} after height {_height}");
        _validators = start.Validators;
        _height = start.Height;
        _decided = false;
        _lockedBlock = null; _lockedBlockId = null; _lockedRound = -1;
        _validBlock = null; _validBlockId = null; _validRound = -1;
        _rounds.Clear(); _validity.Clear(); _validationRequested.Clear(); _notYetValid.Clear(); _highestRoundSeen.Clear();
        _buildRequested.Clear();

        if (_lastSigned is not null && _lastSigned.Height == start.Height) ResumeFromRecord(_lastSigned);
        else StartRound(0);

        var buffered = _future.ToArray();
        _future.Clear();
        _futureBySender.Clear();
        _futureBytes = 0;
        foreach (var e in buffered)
        {
            // Messages of a later height go back into the buffer.
            bool kept = e switch
            {
                ProposalReceived p => OnProposal(p),
                VoteReceived v => OnVote(v.Vote),
                _ => false,
            };
            // Its sender may have sent it once, before this validator's peers could use it: gossip it on.
            if (kept) _actions.Add(new GossipBuffered(e));
        }
    }

    /// <summary>
    /// Rule 1. The proposer does not start the propose timeout (line 21 of Algorithm 1): it may take
    /// its time to build (a node waits for transactions or for the block interval), and its own
    /// timeout would make it prevote nil on its own block. Only when it cannot propose (it signed
    /// another proposal for this round before a crash) does it wait like the others.
    /// </summary>
    private void StartRound(int round)
    {
        AskAgainAboutNotYetValid();
        _round = round;
        _step = Step.Propose;
        if (!IsProposer(_height, round))
        {
            Schedule(Step.Propose);
            return;
        }
        if (_validBlock is not null)
        {
            if (!SignProposal(_validBlock, _validRound)) Schedule(Step.Propose);
        }
        else if (_buildRequested.Add(round)) _actions.Add(new BuildBlock(_height, round));
        else Schedule(Step.Propose);
    }

    private void Schedule(Step step) =>
        _actions.Add(new ScheduleTimeout(_height, _round, step, _options.TimeoutMs(step, _round)));

    private bool IsProposer(ulong height, int round) =>
        _signer is not null && _validators!.Proposer(height, round).Address == _signer.Address;

    private void OnTimeout(TimeoutFired t)
    {
        if (_validators is null || t.Height != _height || _decided) return;
        AskAgainAboutNotYetValid(); // any timeout of this height means time has passed
        if (t.Round != _round) return;
        switch (t.Step)
        {
            case Step.Propose when _step == Step.Propose:
                SignVote(VoteType.Prevote, Hash32.Zero);
                _step = Step.Prevote;
                break;
            case Step.Prevote when _step == Step.Prevote:
                SignVote(VoteType.Precommit, Hash32.Zero);
                _step = Step.Precommit;
                break;
            case Step.Precommit:
                StartRound(_round + 1);
                break;
        }
    }

    private void OnBlockValidated(BlockValidated b)
    {
        if (b.Height != _height || !_validationRequested.Contains(b.BlockId)) return;
        _validity[b.BlockId] = b.Valid;
        if (b.Verdict == BlockVerdict.NotYetValid) _notYetValid.Add(b.BlockId);
        else _notYetValid.Remove(b.BlockId);
    }

    /// <summary>Forgets not-yet-valid verdicts: the next rule that needs one of those blocks asks the executor again.</summary>
    private void AskAgainAboutNotYetValid()
    {
        foreach (var id in _notYetValid)
        {
            _validity.Remove(id);
            _validationRequested.Remove(id);
        }
        _notYetValid.Clear();
    }

    private void OnBlockBuilt(BlockBuilt b)
    {
        if (_validators is null || b.Height != _height || b.Round != _round || _step != Step.Propose || _decided) return;
        if (!IsProposer(_height, _round) || _validBlock is not null) return;
        Invariant.Check(b.Block.Height == _height, "built block for another height");
        _validity[b.Block.Id] = true;
        _validationRequested.Add(b.Block.Id);
        if (!SignProposal(b.Block, -1)) Schedule(Step.Propose);
    }

    private void OnCommitReceived(CommitReceived c)
    {
        if (_validators is null || c.Block.Height != _height || _decided) return;
        if (c.Commit.Verify(_chainId, _validators, _height, c.Block.Id, _verifier).Length > 0) return;
        _decided = true;
        _actions.Add(new Decide(c.Block, c.Commit));
    }

    private RoundState RoundAt(int round)
    {
        if (!_rounds.TryGetValue(round, out var state))
        {
            state = new RoundState(_validators!);
            _rounds.Add(round, state);
        }
        return state;
    }

    private bool IsQuorum(ulong power) => _options.Rules.IsQuorum(_validators!, power);

    /// <summary>
    /// What the engine holds now, for the simulator's bounded-memory checker and the node's metrics:
    /// rounds, the most proposals and votes in any one round, the future buffer, and about how many
    /// bytes all of it takes (see <see cref="ConsensusOptions.FootprintBytesMax"/> for the bound).
    /// </summary>
    public EngineFootprint Footprint()
    {
        int proposalsMax = 0, votesMax = 0;
        long bytes = 0;
        foreach (var (_, state) in _rounds)
        {
            proposalsMax = Math.Max(proposalsMax, state.Proposals.Count);
            votesMax = Math.Max(votesMax, Math.Max(state.Prevotes.Count, state.Precommits.Count));
            foreach (var (_, block) in state.Proposals) bytes += Proposal.EncodedSize + block.ApproximateBytes;
            bytes += (long)(state.Prevotes.Count + state.Precommits.Count) * Vote.EncodedSize;
        }
        int futurePerSenderMax = 0;
        foreach (var (_, share) in _futureBySender) futurePerSenderMax = Math.Max(futurePerSenderMax, share.Messages);
        return new EngineFootprint(_rounds.Count, proposalsMax, votesMax, _future.Count, futurePerSenderMax, bytes + _futureBytes);
    }
}

/// <summary>What a <see cref="ConsensusEngine"/> holds (<see cref="ConsensusEngine.Footprint"/>).</summary>
public readonly record struct EngineFootprint(int Rounds, int ProposalsPerRoundMax, int VotesPerRoundMax, int FutureMessages, int FuturePerSenderMax, long Bytes);
