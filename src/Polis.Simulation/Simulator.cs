using Polis.Consensus;
using Polis.Consensus.Events;
using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Fees;
using Polis.City;
using Polis.Execution.Auth;
using Polis.Modules.Accounts;
using Polis.Simulation.Checkers;
using Polis.Simulation.Disk;

namespace Polis.Simulation;

/// <summary>
/// Runs n validators in one thread on a virtual clock and a seeded network, with the production
/// consensus engine and chain, and watches every run with checkers: agreement, validity, no honest
/// double-signing, and progress once the faults heal. Same options, same run, to the event.
/// </summary>
public sealed partial class Simulator
{
    public const string ChainIdValue = "polis-sim";
    private const long GenesisTimeMs = 1_700_000_000_000;
    private const ulong AllocationPerAccount = 1_000_000;
    /// <summary>Fees run in every simulation (about 160 per transfer), so the executor's fee path is under the agreement and conservation checks.</summary>
    private static readonly FeeSchedule Fees = new(PerTransaction: 10, PerByte: 1, Collector: KeyPair.FromLabel("sim-treasury").Address);
    private const int CatchUpBatchMax = 16;
    private const int CatchUpBufferMax = 64;

    /// <summary>Verification results are a pure function of (key, message, signature): share them across runs.</summary>
    private static readonly CachingSignatureVerifier SharedVerifier = new();
    private static readonly KeyPair[] ValidatorKeys = MakeKeys("sim-validator", Limits.ValidatorsMax > 64 ? 64 : Limits.ValidatorsMax);
    private static readonly KeyPair[] AccountKeys = MakeKeys("sim-account", 64);

    private readonly SimulationOptions _options;
    private readonly Func<IVersionedState> _newState;
    private readonly Random _random;
    private readonly EventQueue _queue = new();
    private readonly SimNetwork _network;
    private readonly List<SimNode> _nodes = new();
    private readonly AgreementChecker _agreement = new();
    private readonly DoubleSignChecker _doubleSign = new();
    private readonly LockChecker _lock;
    private readonly MemoryChecker _memory;
    /// <summary>Future-height messages a node counts once each (the node's bound).</summary>
    private readonly List<Violation> _violations = new();
    private readonly ValidatorSet _validators;
    private readonly Genesis _genesis;
    private readonly ISignatureVerifier _verifier = SharedVerifier;
    private long _faultsHealedAt;
    private long _txsCommitted;
    private long _evidenceCommitted;
    private readonly List<int> _commitRounds = new();

    public Simulator(SimulationOptions options, Func<IVersionedState> newState)
    {
        if (options.Validators < 1 || options.Validators > ValidatorKeys.Length)
            throw new ArgumentOutOfRangeException(nameof(options), $"validators must be 1..{ValidatorKeys.Length}");
        if (options.Accounts < 2 || options.Accounts > AccountKeys.Length)
            throw new ArgumentOutOfRangeException(nameof(options), $"accounts must be 2..{AccountKeys.Length}");
        _options = options;
        _newState = newState;
        _random = new Random(options.Seed);
        _network = new SimNetwork(options, _random, _queue);
        var validators = new Validator[options.Validators];
        if (options.Powers is { } powers && (powers.Count != options.Validators || powers.Any(p => p == 0)))
            throw new ArgumentOutOfRangeException(nameof(options), "one positive power per validator");
        for (int i = 0; i < validators.Length; i++) validators[i] = new Validator(ValidatorKeys[i].PublicKey, options.Powers?[i] ?? 1);
        _validators = new ValidatorSet(validators);
        _lock = new LockChecker(_validators);
        _memory = new MemoryChecker(options.Consensus, options.Validators);
        var allocations = new List<(Address, ulong)>();
        for (int i = 0; i < options.Accounts; i++) allocations.Add((AccountKeys[i].Address, AllocationPerAccount));
        _genesis = new Genesis(ChainIdValue, GenesisTimeMs, _validators, [], [new GenesisSection(AccountsKeys.Module, AccountsGenesis.Encode(allocations))], Fees);
    }

    private static KeyPair[] MakeKeys(string label, int count)
    {
        var keys = new KeyPair[count];
        for (int i = 0; i < count; i++) keys[i] = KeyPair.FromLabel($"{label}-{i}");
        return keys;
    }

    public SimulationResult Run()
    {
        CreateNodes();
        ScheduleFaults();
        foreach (var node in _nodes) Boot(node);
        ScheduleTransactions();
        long deadline = _faultsHealedAt + _options.ProgressBoundMs;
        while (_queue.RunNext(deadline))
        {
            if (_options.StopAtFirstViolation && SafetyViolated()) break;
            if (_queue.Now >= _faultsHealedAt && AllHonestReached(_options.Heights)) break;
        }
        CheckProgress();
        CheckConservation();
        return Result();
    }

    private void CreateNodes()
    {
        for (int v = 0; v < _options.Validators; v++)
        {
            var behavior = _options.Byzantine.TryGetValue(v, out var b) ? b : ByzantineBehavior.None;
            int instances = behavior == ByzantineBehavior.Twins ? 2 : 1;
            for (int k = 0; k < instances; k++)
            {
                var disk = new SimDisk(new Random(unchecked(_options.Seed * 7919 + _nodes.Count)));
                _nodes.Add(new SimNode(_nodes.Count, v, ValidatorKeys[v], behavior, _newState(), disk));
            }
        }
    }

    /// <summary>Starts (or restarts) a node as the real one does: opens its journal, restores its last signature, replays its votes.</summary>
    private void Boot(SimNode node)
    {
        if (node.IsUp) Crash(node); // an armed mid-write crash that no disk operation triggered dies now
        node.Dying = false;
        node.Incarnation++;
        node.Mempool.Clear();
        node.Evidence.Clear();
        node.CatchUp.Clear();
        node.VoteIds.Clear();
        if (!OpenJournal(node)) return;
        node.IsUp = true;
        node.Chain = new Chain(_genesis, node.State, _verifier, CityModules.Set());
        if (node.Blocks.Count > 0) node.Chain.Resume(node.Blocks[^1].Block, node.Blocks[^1].Commit);
        node.Engine = new ConsensusEngine(ChainIdValue, node.Key, _options.Consensus, _verifier);
        var journal = node.Journal!;
        if (journal.Last is { } last) node.Engine.Restore(last);
        StartGossip(node);
        Feed(node, new StartHeight(node.Chain.Height + 1, _validators));
        // The votes the WAL holds are counted again and gossiped again, as the node's replay does.
        var replay = journal.Votes.ToArray();
        journal.Votes.Clear();
        foreach (var vote in replay)
        {
            if (!node.IsUp || vote.Height <= node.Chain.Height || !node.VoteIds.Add(SimNode.VoteId(vote))) continue;
            if (vote.Height == node.Chain.Height + 1 && node.Gossip is { } gossip)
            {
                var message = new Messages.VoteMessage(vote);
                gossip.Keep(Describe(message), message);
            }
            Feed(node, new VoteReceived(vote));
        }
        if (!node.IsUp) return;
        ScheduleGossip(node, node.Incarnation);
    }

    private bool SafetyViolated() => _agreement.Violations.Count > 0 || _doubleSign.Violations.Count > 0 || _lock.Violations.Count > 0 || _memory.Violations.Count > 0 || _violations.Count > 0;

    private bool AllHonestReached(ulong height)
    {
        foreach (var node in _nodes)
            if (node.IsHonest && node.Height < height) return false;
        return true;
    }

    private void CheckProgress()
    {
        if (_options.SplitBrain || SafetyViolated()) return;
        foreach (var node in _nodes)
        {
            if (node.IsHonest && node.Height < _options.Heights)
                _violations.Add(new Violation("progress", _queue.Now,
                    $"{node.Name} reached height {node.Height} of {_options.Heights} within {_options.ProgressBoundMs} ms after the faults healed at {_faultsHealedAt} ms"));
        }
    }

    /// <summary>Transfers and fees move CITY, never create or destroy it: every honest node's total (the treasury's included) is the genesis total.</summary>
    private void CheckConservation()
    {
        ulong expected = AllocationPerAccount * (ulong)_options.Accounts;
        foreach (var node in _nodes)
        {
            if (!node.IsHonest || node.Height == 0) continue;
            var view = node.State.At(node.Height);
            ulong total = Balances.Get(view, AccountsKeys.NativeAsset, Fees.Collector);
            for (int i = 0; i < _options.Accounts; i++) total += Balances.Get(view, AccountsKeys.NativeAsset, AccountKeys[i].Address);
            if (total != expected)
                _violations.Add(new Violation("conservation", _queue.Now, $"{node.Name} holds {total} CITY in total at height {node.Height}, genesis had {expected}"));
        }
    }

    private SimulationResult Result()
    {
        var all = new List<Violation>();
        all.AddRange(_agreement.Violations);
        all.AddRange(_doubleSign.Violations);
        all.AddRange(_lock.Violations);
        all.AddRange(_memory.Violations);
        all.AddRange(_violations);
        var nodes = new List<(string, ulong, bool)>();
        long evidence = 0;
        int crashes = 0, refusals = 0, warnings = 0;
        foreach (var n in _nodes)
        {
            nodes.Add((n.Name, n.Height, n.IsHonest));
            evidence += n.EvidenceReported;
            crashes += n.Crashes;
            refusals += n.JournalRefusals;
            warnings += n.JournalWarnings;
        }
        var states = new List<string>();
        foreach (var n in _nodes)
        {
            var e = n.Engine;
            states.Add($"{n.Name}: {(n.IsUp ? "up" : "down")} committed={n.Height} engine h={e.Height} r={e.Round} {e.Step} locked={e.LockedRound}/{e.LockedBlockId?.Short ?? "-"} valid={e.ValidRound}/{e.ValidBlockId?.Short ?? "-"} mempool={n.Mempool.Count}");
        }
        return new SimulationResult
        {
            NodeStates = states,
            Options = _options,
            Violations = all,
            Nodes = nodes,
            VirtualTimeMs = _queue.Now,
            MessagesSent = _network.Sent,
            MessagesDropped = _network.Dropped,
            MessagesDuplicated = _network.Duplicated,
            TransactionsCommitted = _txsCommitted,
            HeightsDecided = _agreement.HeightsDecided,
            MaxRound = _commitRounds.Count == 0 ? 0 : _commitRounds.Max(),
            MeanCommitRound = _commitRounds.Count == 0 ? 0 : _commitRounds.Average(),
            EvidenceReported = evidence,
            EvidenceCommitted = _evidenceCommitted,
            Crashes = crashes,
            JournalRefusals = refusals,
            JournalWarnings = warnings,
            SignaturesChecked = _doubleSign.Signatures,
            EngineBytesMax = _memory.BytesMax,
        };
    }
}
