using System.Net;
using Microsoft.Extensions.Logging;
using Polis.Client.Config;
using Polis.Consensus;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules;
using Polis.Network;
using Polis.Node.Config;
using Polis.Node.Consensus;
using Polis.Node.Gossip;
using Polis.Node.Mempool;
using Polis.Node.Metrics;
using Polis.Node.Peers;
using Polis.Node.Storage;
using Polis.Node.Sync;
using Polis.Consensus.Wal;
using Polis.State;

namespace Polis.Node;

/// <summary>
/// One Polis node: components with one job each around a single loop (CometBFT's reactors).
/// <see cref="ConsensusReactor"/> feeds the engine and gossips its messages, <see cref="BlockSyncReactor"/>
/// fetches decided blocks when the node is behind, <see cref="MempoolReactor"/> admits and gossips
/// transactions, <see cref="PeerInbound"/> decodes and checks what peers send on their readers. The
/// loop here owns the engine, the chain and the peer table: every input reaches it through one
/// inbox (peers' inputs bounded in count and bytes), and it commits each decided height (block,
/// outcome, indexes, state in one atomic batch). Threading: the public members are safe from any thread; everything else runs on the loop.
/// </summary>
public sealed class PolisNode : IAsyncDisposable, IConsensusHost
{
    private readonly NodeConfig _config;
    private readonly Genesis _genesis;
    private readonly KeyPair _nodeKey;
    private readonly KeyPair? _validatorKey;
    private readonly NodeLedger _ledger;
    private readonly Chain _chain;
    private readonly ConsensusJournal? _wal;
    private readonly CachingSignatureVerifier _verifier = new();
    private readonly TxPool _pool;
    private readonly P2PHost _p2p;
    private readonly PeerTable _peers = new();
    private readonly ConsensusReactor _consensus;
    private readonly BlockSyncReactor _sync;
    private readonly MempoolReactor _mempool;
    private readonly PeerInbound _inbound;
    private readonly System.Threading.Channels.Channel<LoopInput> _inbox = System.Threading.Channels.Channel.CreateUnbounded<LoopInput>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly LoopBudget _loopBudget;
    private volatile NodeSnapshot _snapshot;
    private volatile CommittedView _committed;
    private Task? _loop, _ticker, _txGossip;

    private PolisNode(NodeConfig config, Genesis genesis, IReadOnlyList<CityModule> modules, KeyPair nodeKey, KeyPair? validatorKey, string dataDirectory, string walDirectory, ILoggerFactory logs)
    {
        _config = config;
        _genesis = genesis;
        _nodeKey = nodeKey;
        _validatorKey = validatorKey;
        _log = logs.CreateLogger("polis.node");
        _ledger = new NodeLedger(genesis, dataDirectory, _verifier, modules);
        _chain = _ledger.Chain;
        if (_chain.Modules.NativeAsset is null) throw new InvalidOperationException("no module holds the native asset: the mempool could not check what senders can pay");
        _committed = new CommittedView(_chain.Height, _chain.Validators);
        _pool = new TxPool(genesis.Id, _verifier,
            new MempoolLimits(config.MempoolTxsMax, config.MempoolBytesMax, config.MempoolSenderTxsMax, config.MempoolSenderBytesMax), new CommittedLedger(this));
        Metrics = new NodeMetrics();
        Metrics.Registry.AddBeforeCollectCallback(() =>
        {
            Metrics.SignatureChecks.IncTo(_verifier.Misses);
            Metrics.SignatureCacheHits.IncTo(_verifier.Hits);
            if (_sync is { } sync) Metrics.PeersDroppedForClaims.IncTo(sync.PeersDroppedForClaims);
        });
        Commits = new CommitSignal(_chain.Height);
        var options = new ConsensusOptions
        {
            ProposeTimeoutMs = config.TimeoutProposeMs,
            ProposeTimeoutDeltaMs = config.TimeoutDeltaMs,
            PrevoteTimeoutMs = config.TimeoutPrevoteMs,
            PrevoteTimeoutDeltaMs = config.TimeoutDeltaMs,
            PrecommitTimeoutMs = config.TimeoutPrecommitMs,
            PrecommitTimeoutDeltaMs = config.TimeoutDeltaMs,
        };
        var engine = new ConsensusEngine(genesis.Id, validatorKey, options, _verifier);
        if (validatorKey is not null)
        {
            // A damaged journal stops the node here (WalCorruptException, with what to run after checking the disk).
            _wal = ConsensusJournal.Open(new FileWalDirectory(walDirectory), genesis.Id, _chain.Height);
            foreach (var warning in _wal.Warnings) _log.LogWarning("consensus journal: {Warning}", warning);
            if (_wal.Last is { } last) engine.Restore(last);
        }
        _sync = new BlockSyncReactor(_chain, _ledger.Blocks, _peers, () => CommittedHeight);
        PeerInbound? inbound = null;
        var persistentPeers = config.PersistentPeers.Select(PeerAddress.Parse).ToList();
        var pinned = persistentPeers.Where(p => p.ExpectedKey is not null).Select(p => p.ExpectedKey!).ToHashSet();
        _loopBudget = new LoopBudget(pinned);
        _peers.Pinned = pinned;
        _p2p = new P2PHost(new P2POptions
        {
            ChainId = genesis.Id,
            NodeKey = nodeKey,
            Listen = IPEndPoint.Parse(config.P2PListen),
            PersistentPeers = persistentPeers,
            // A proposal or a sync answer carries a whole block plus its proposal or commit.
            FrameBytesMax = Polis.Core.Limits.BlockBytesMax + 1024 * 1024,
            InboundHandshakesMax = config.P2PHandshakesMax,
            InboundHandshakesPerAddressMax = config.P2PHandshakesPerAddressMax,
            ReservedHandshakesMax = config.P2PReservedHandshakesMax,
            OtherPeersMax = config.P2POtherPeersMax,
            Log = message => _log.LogInformation("p2p: {Message}", message),
        }, new InboundHandler(() => inbound!));
        _mempool = new MempoolReactor(_pool, _p2p, Metrics, _log);
        _inbound = inbound = new PeerInbound(genesis.Id, () => _committed, _verifier, Metrics, PostFromPeer, Post, _mempool, _sync);
        _consensus = new ConsensusReactor(config, _chain, engine, options, _wal, validatorKey, _pool, _peers, _p2p, Metrics, _log, this, _stop.Token);
        _snapshot = MakeSnapshot();
        _log.LogInformation("node {Moniker} opened at height {Height} (chain {Chain}, {Role}; SHA-256 from {Sha256})", config.Moniker, _chain.Height, genesis.Id,
            validatorKey is null ? "observer" : $"validator {validatorKey.Address}", Sha256.Implementation);
    }

    /// <summary>Opens a node from its home directory (config, genesis, keys, data, WAL) running <paramref name="modules"/> (the composition root's).</summary>
    public static PolisNode Open(NodeHome home, IReadOnlyList<CityModule> modules, ILoggerFactory logs)
    {
        var config = NodeConfig.Load(home.ConfigPath);
        var genesis = GenesisFile.Load(home.Resolve(config.GenesisFile)).ToGenesis(modules);
        var nodeKey = KeyFile.Load(home.Resolve(config.NodeKeyFile));
        KeyPair? validatorKey = string.IsNullOrEmpty(config.ValidatorKeyFile) ? null : KeyFile.Load(home.Resolve(config.ValidatorKeyFile));
        return new PolisNode(config, genesis, modules, nodeKey, validatorKey, home.DataDirectory, home.WalDirectory, logs);
    }

    public NodeConfig Config => _config;
    public Genesis Genesis => _genesis;
    public string ChainId => _genesis.Id;
    public PublicKey NodeId => _nodeKey.PublicKey;
    public Address? ValidatorAddress => _validatorKey?.Address;
    public NodeMetrics Metrics { get; }
    /// <summary>Signals each committed height (the event stream waits on it, then reads the store).</summary>
    public CommitSignal Commits { get; }
    public NodeSnapshot Snapshot => _snapshot;
    public BlockStore Blocks => _ledger.Blocks;
    public ModuleIndexes Indexes => _ledger.Indexes;
    public IReadOnlyList<CityModule> Modules => _ledger.Modules;
    public ModuleSet ModuleSet => _chain.Modules;
    public TxPool Mempool => _pool;
    public P2PHost Network => _p2p;
    /// <summary>The validators of the committed height.</summary>
    public ValidatorSet Validators => _committed.Validators;
    public int P2PPort => _p2p.ListenPort;
    public ulong CommittedHeight => _committed.Height;

    /// <summary>A read-only view of the state at a committed height (safe from any thread).</summary>
    public IStateView StateAt(ulong height) => _chain.State.At(height);
    public StateTree StateTree => ((TreeState)_chain.State).Tree;

    /// <inheritdoc cref="MempoolReactor.SubmitAsync"/>
    public Task<Admission[]>? SubmitAsync(IReadOnlyList<Transaction> txs) => _mempool.SubmitAsync(txs);

    /// <summary>Starts the network and the loop; returns once both run.</summary>
    public async Task StartAsync()
    {
        // The engine has its height (and its replayed votes) before any peer message can reach it.
        Post(new EngineInput(new StartHeight(_chain.Height + 1, _chain.Validators)));
        if (_wal is not null)
        {
            int replayed = 0;
            foreach (var vote in _wal.Votes)
                if (vote.Height > _chain.Height) { Post(new ReplayedVote(vote)); replayed++; }
            _wal.Votes.Clear();
            if (replayed > 0) _log.LogInformation("replaying {Count} votes from the consensus WAL", replayed);
        }
        _loop = Task.Run(RunLoopAsync);
        _ticker = Task.Run(TickAsync);
        _txGossip = Task.Run(() => _mempool.RunGossipAsync(_stop.Token));
        await _p2p.StartAsync(_stop.Token);
    }

    /// <summary>Completes when the loop stops (on dispose, or if it fails: then with its exception).</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    private void Post(LoopInput input) => _inbox.Writer.TryWrite(input);
    void IConsensusHost.Post(LoopInput input) => Post(input);

    /// <summary>Peer inputs are bounded in count and bytes: past the bound they are dropped (peers re-send; sync re-requests).</summary>
    /// <summary>Posts a peer's message within its share of the loop's inbox (<see cref="LoopBudget"/>); false when it is dropped.</summary>
    private bool PostFromPeer(LoopInput input)
    {
        if (!_loopBudget.TryTake(input))
        {
            Metrics.LoopDropped.Inc();
            return false;
        }
        if (_inbox.Writer.TryWrite(input)) return true;
        _loopBudget.Release(input);
        return false;
    }

    private async Task RunLoopAsync()
    {
        try
        {
            await foreach (var input in _inbox.Reader.ReadAllAsync(_stop.Token))
            {
                _loopBudget.Release(input);
                Handle(input);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // An invariant broke (e.g. this node's execution diverged from the decided block): stop
            // rather than sign or store anything more. The operator sees why in the log.
            _log.LogCritical(e, "node loop stopped");
            throw;
        }
    }

    private void Handle(LoopInput input)
    {
        switch (input)
        {
            case EngineInput e: _consensus.Feed(e.Event); break;
            case PeerProposal p: _consensus.OnPeerMessage(p.From, p.Id, p.Encoded, p.Proposal.Height, p.Proposal.Round, new ProposalReceived(p.Proposal, p.Block)); break;
            case PeerVote v: _consensus.OnPeerMessage(v.From, v.Id, v.Encoded, v.Vote.Height, v.Vote.Round, new VoteReceived(v.Vote)); break;
            case PeerStatus s: OnPeerStatus(s); break;
            case PeerHas h: if (_peers.TryGet(h.From, out var view)) view.Known.Add(h.Id); break;
            case PeerWantsProposal w: if (_peers.TryGet(w.From, out var asker)) _consensus.OnProposalWanted(asker, w.Height, w.Round, w.BlockId); break;
            case PeerClaimsQuorum c: if (_peers.TryGet(c.From, out var claimant)) _consensus.OnQuorumClaimed(claimant, c.Height, c.Round, c.Type, c.BlockId); break;
            case PeerBlock b: _sync.OnBlock(b, _consensus.EngineHeight, _consensus.Feed, NotAdopted); break;
            case PeerConnected c: OnPeerConnected(c.Peer); break;
            case ReplayedVote r: _consensus.OnReplayedVote(r.Vote); break;
            case PeerDisconnected d: OnPeerDisconnected(d.Peer); break;
            case BuildNow b: _consensus.Build(b.Height, b.Round); break;
            case GossipTick: OnTick(); break;
        }
        if (input is EngineInput or PeerProposal or PeerVote or PeerBlock or ReplayedVote or BuildNow) _snapshot = MakeSnapshot();
    }

    private void NotAdopted(ulong height) => _log.LogWarning("block {Height} from a peer was not adopted (engine at height {Engine})", height, _consensus.EngineHeight);

    private void OnPeerConnected(Peer peer)
    {
        _peers.Add(peer);
        Metrics.Peers.Set(_peers.Count);
        _consensus.OnPeerConnected(peer);
        _mempool.AnnouncePeers(_peers.Peers);
    }

    private void OnPeerDisconnected(Peer peer)
    {
        _peers.Remove(peer);
        _sync.Forget(peer);
        Metrics.Peers.Set(_peers.Count);
        _mempool.ForgetPeersOf(peer);
        _mempool.AnnouncePeers(_peers.Peers);
    }

    private void OnPeerStatus(PeerStatus status)
    {
        if (!_peers.TryGet(status.From, out var view)) return;
        _consensus.OnPeerStatus(view, status.Height, status.Round);
        if (status.Height > _chain.Height) _sync.RequestBlocks();
    }

    private void OnTick()
    {
        _consensus.OnTick();
        _sync.RequestBlocks();
        Metrics.MempoolSize.Set(_pool.Count);
        _snapshot = MakeSnapshot();
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(NodeLimits.GossipTickMs));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Post(new GossipTick());
        }
        catch (OperationCanceledException)
        {
        }
    }

    void IConsensusHost.CommitDecided(Block block, Commit commit)
    {
        // A height need not wait for the disk only when a later block with a checked commit is in
        // hand (catching up): a crash then fetches it again. A peer's claimed height never relaxes this.
        bool relaxed = _sync.HoldsLaterBlock(block.Height);
        _ledger.Storage.SyncWrites = !relaxed;
        if (relaxed) Metrics.CommitsUnsynced.Inc();
        _ledger.Commit(block, commit);
        _committed = new CommittedView(_chain.Height, _chain.Validators);
        _pool.Update(block.Transactions);
        long previousCommit = _consensus.LastCommitTicks;
        _consensus.OnCommitted(block);
        _inbound.ForgetProposalsSeen();
        if (previousCommit != 0) Metrics.BlockInterval.Observe((_consensus.LastCommitTicks - previousCommit) / 1000.0);
        Metrics.Height.Set(block.Height);
        Metrics.Commits.Inc();
        Metrics.TxsCommitted.Inc(block.Transactions.Count);
        Metrics.MempoolSize.Set(_pool.Count);
        Commits.Signal(block.Height);
        if (block.Height % 100 == 0 || block.Transactions.Count > 0 && block.Height % 10 == 0)
            _log.LogInformation("committed height {Height} {Id} ({Txs} txs, round {Round})", block.Height, block.Id.Short, block.Transactions.Count, commit.Round);
        _consensus.BroadcastStatus();
    }

    bool IConsensusHost.TryTakeFetched(ulong height, out (Block Block, Commit Commit) next) => _sync.TryTake(height, out next);
    bool IConsensusHost.IsSyncing => _sync.IsSyncing;
    void IConsensusHost.RequestBlocks() => _sync.RequestBlocks();

    private NodeSnapshot MakeSnapshot() => new(_chain.Height, _chain.LastBlockId, _chain.LastBlockTimeMs, _chain.StateRoot,
        _consensus.EngineHeight == 0 ? _chain.Height + 1 : _consensus.EngineHeight, _consensus.Round, _sync.IsSyncing, _peers.BestHeight);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _inbox.Writer.TryComplete();
        _consensus.Dispose();
        // Peers' readers serve blocks from the store: stop them before the store closes.
        await _p2p.DisposeAsync();
        _mempool.Dispose(); // admission reads accounts from the store too
        bool stopped = true;
        foreach (var task in new[] { _loop, _ticker, _txGossip })
        {
            if (task is null) continue;
            try { await task.WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { stopped = false; }
            catch (OperationCanceledException) { }
            catch (Exception e) { _log.LogError(e, "node task failed"); }
        }
        if (!stopped)
        {
            // Something still runs against the store; leave it to the process exit rather than free it under them.
            _log.LogError("node tasks did not stop within 10 s; the store is left to the process exit");
            return;
        }
        _wal?.Dispose();
        _ledger.Dispose();
        _stop.Dispose();
    }

    /// <summary>The network's handler, bound once the components that need the network exist.</summary>
    private sealed class InboundHandler(Func<PeerInbound> inbound) : IPeerMessageHandler
    {
        public void OnPeerConnected(Peer peer) => inbound().OnPeerConnected(peer);
        public void OnPeerDisconnected(Peer peer) => inbound().OnPeerDisconnected(peer);
        public void OnMessage(Peer peer, Channel channel, ReadOnlySpan<byte> payload) => inbound().OnMessage(peer, channel, payload);
    }
}
