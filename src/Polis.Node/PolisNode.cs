using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polis.Consensus;
using Polis.Consensus.Events;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules;
using Polis.Network;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Node.Gossip;
using Polis.Node.Mempool;
using Polis.Node.Metrics;
using Polis.Node.Storage;
using Polis.Node.Wal;
using Polis.State;
using Polis.State.Storage;

namespace Polis.Node;

/// <summary>
/// One Polis node: a single loop owns the consensus engine and the chain; the network, timers and
/// the API feed it inputs, and it carries out the engine's actions (WAL before signing, broadcast,
/// execute, commit). Everything of one height is written in one atomic RocksDB batch.
/// </summary>
public sealed partial class PolisNode : IAsyncDisposable
{
    /// <summary>A proposal whose time is further ahead of our clock than this is not valid.</summary>
    private const long ClockDriftMaxMs = 10_000;
    private const int PeerInputsQueuedMax = 50_000;
    /// <summary>Bytes of peer proposals and blocks waiting for the loop; past this, more are dropped (peers re-send).</summary>
    private const long PeerBytesQueuedMax = 256L * 1024 * 1024;

    private readonly NodeConfig _config;
    private readonly Genesis _genesis;
    private readonly KeyPair _nodeKey;
    private readonly KeyPair? _validatorKey;
    private readonly NodeLedger _ledger;
    private readonly Chain _chain;
    private readonly BlockStore _blocks;
    private readonly ConsensusWal? _wal;
    private readonly ConsensusEngine _engine;
    private readonly TimeoutTimer _timeouts;
    private readonly CachingSignatureVerifier _verifier = new();
    private readonly TxPool _pool;
    private readonly P2PHost _p2p;
    private readonly System.Threading.Channels.Channel<LoopInput> _inbox = System.Threading.Channels.Channel.CreateUnbounded<LoopInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    /// <summary>Transactions waiting for admission at most: a few blocks' worth; beyond it clients are told the node is busy.</summary>
    private const int AdmissionPendingTxsMax = 20_000;
    private readonly AdmissionWorkers _admission;
    private int _peerInputsQueued;
    private long _peerBytesQueued;
    private volatile NodeSnapshot _snapshot;
    private ulong _committedHeight; // read by API threads: Volatile

    private PolisNode(NodeConfig config, Genesis genesis, IReadOnlyList<CityModule> modules, KeyPair nodeKey, KeyPair? validatorKey, string dataDirectory, string walPath, ILoggerFactory logs)
    {
        _config = config;
        _genesis = genesis;
        _nodeKey = nodeKey;
        _validatorKey = validatorKey;
        _log = logs.CreateLogger("polis.node");
        _ledger = new NodeLedger(genesis, dataDirectory, _verifier, modules);
        _chain = _ledger.Chain;
        _blocks = _ledger.Blocks;
        if (_chain.Modules.NativeAsset is null) throw new InvalidOperationException("no module holds the native asset: the mempool could not check what senders can pay");
        _committedHeight = _chain.Height;
        _pool = new TxPool(genesis.Id, _verifier, config.MempoolTxsMax, new CommittedLedger(this));
        _admission = new AdmissionWorkers(Environment.ProcessorCount, AdmissionPendingTxsMax, e => _log!.LogError(e, "mempool admission failed"));
        var options = new ConsensusOptions
        {
            ProposeTimeoutMs = config.TimeoutProposeMs,
            ProposeTimeoutDeltaMs = config.TimeoutDeltaMs,
            PrevoteTimeoutMs = config.TimeoutPrevoteMs,
            PrevoteTimeoutDeltaMs = config.TimeoutDeltaMs,
            PrecommitTimeoutMs = config.TimeoutPrecommitMs,
            PrecommitTimeoutDeltaMs = config.TimeoutDeltaMs,
        };
        _engine = new ConsensusEngine(genesis.Id, validatorKey, options, _verifier);
        _timeouts = new TimeoutTimer(t => Post(new EngineInput(new TimeoutFired(t.Height, t.Round, t.Step))));
        if (validatorKey is not null)
        {
            _wal = new ConsensusWal(walPath);
            if (_wal.TruncatedBytes > 0) _log.LogWarning("consensus WAL: cut off a torn tail of {Bytes} bytes", _wal.TruncatedBytes);
            if (_wal.Last is { } last) _engine.Restore(last);
        }
        Metrics = new NodeMetrics();
        Metrics.Registry.AddBeforeCollectCallback(() =>
        {
            Metrics.SignatureChecks.IncTo(_verifier.Misses);
            Metrics.SignatureCacheHits.IncTo(_verifier.Hits);
        });
        Commits = new CommitSignal(_chain.Height);
        _p2p = new P2PHost(new P2POptions
        {
            ChainId = genesis.Id,
            NodeKey = nodeKey,
            Listen = IPEndPoint.Parse(config.P2PListen),
            PersistentPeers = config.PersistentPeers.Select(PeerAddress.Parse).ToList(),
            // A proposal or a sync answer carries a whole block plus its proposal or commit.
            FrameBytesMax = Polis.Core.Limits.BlockBytesMax + 1024 * 1024,
            Log = message => _log!.LogInformation("p2p: {Message}", message),
        }, new PeerHandler(this));
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
        return new PolisNode(config, genesis, modules, nodeKey, validatorKey, home.DataDirectory, home.WalPath, logs);
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
    public BlockStore Blocks => _blocks;
    public ModuleIndexes Indexes => _ledger.Indexes;
    public IReadOnlyList<CityModule> Modules => _ledger.Modules;
    public ModuleSet ModuleSet => _chain.Modules;
    public TxPool Mempool => _pool;
    public P2PHost Network => _p2p;
    public ValidatorSet Validators => _chain.Validators;
    public int P2PPort => _p2p.ListenPort;
    public ulong CommittedHeight => Volatile.Read(ref _committedHeight);

    /// <summary>A read-only view of the state at a committed height (safe from any thread).</summary>
    public IStateView StateAt(ulong height) => _chain.State.At(height);
    public StateTree StateTree => ((TreeState)_chain.State).Tree;


    /// <summary>
    /// Admits transactions from a client, in order, on the low-priority admission workers. Once one is
    /// refused for lack of room the rest are not tried and answer <see cref="AdmissionCode.Full"/> too
    /// (a client's transactions are runs of nonces: a later one would only leave a gap). Null when
    /// the workers already hold as much as they may: the node is busy, the client should back off.
    /// </summary>
    public Task<Admission[]>? SubmitAsync(IReadOnlyList<Transaction> txs) => _admission.TryRun(txs.Count, () =>
    {
        var results = new Admission[txs.Count];
        for (int i = 0; i < txs.Count; i++)
        {
            results[i] = Submit(txs[i]);
            if (results[i].Code is AdmissionCode.Full or AdmissionCode.SenderFull)
            {
                for (int j = i + 1; j < txs.Count; j++) results[j] = results[i];
                break;
            }
        }
        return results;
    });

    /// <summary>Admits a transaction from a client (on an admission worker); on success it is gossiped to peers.</summary>
    private Admission Submit(Transaction tx)
    {
        var admission = _pool.TryAdd(tx);
        if (admission.Accepted) QueueTxGossip(tx, null);
        else Metrics.Rejected.WithLabels("api", admission.Code.ToString()).Inc();
        Metrics.MempoolSize.Set(_pool.Count);
        return admission;
    }

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
        _txGossip = Task.Run(TxGossipAsync);
        await _p2p.StartAsync(_stop.Token);
    }

    private Task? _loop, _ticker, _txGossip;

    /// <summary>Completes when the loop stops (on dispose, or if it fails: then with its exception).</summary>
    public Task Completion => _loop ?? Task.CompletedTask;

    private void Post(LoopInput input) => _inbox.Writer.TryWrite(input);

    /// <summary>Peer inputs are bounded: past the bound they are dropped (peers re-send; sync re-requests).</summary>
    private bool PostFromPeer(LoopInput input)
    {
        long bytes = QueuedBytes(input);
        bool tooMany = Interlocked.Increment(ref _peerInputsQueued) > PeerInputsQueuedMax;
        bool tooLarge = Interlocked.Add(ref _peerBytesQueued, bytes) > PeerBytesQueuedMax;
        if (tooMany || tooLarge)
        {
            Interlocked.Decrement(ref _peerInputsQueued);
            Interlocked.Add(ref _peerBytesQueued, -bytes);
            Metrics.LoopDropped.Inc();
            return false;
        }
        if (!_inbox.Writer.TryWrite(input))
        {
            Interlocked.Decrement(ref _peerInputsQueued);
            Interlocked.Add(ref _peerBytesQueued, -bytes);
            return false;
        }
        return true;
    }

    /// <summary>What a peer input counts against the byte bound (as posted).</summary>
    private static long QueuedBytes(LoopInput input) => input switch
    {
        PeerProposal p => p.Encoded.Length,
        PeerBlock => Polis.Core.Limits.BlockBytesMax / 8,
        _ => 0,
    };

    private NodeSnapshot MakeSnapshot() => new(_chain.Height, _chain.LastBlockId, _chain.LastBlockTimeMs, _chain.StateRoot,
        _engine.Height == 0 ? _chain.Height + 1 : _engine.Height, _engine.Round, IsSyncing, BestPeerHeight);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _inbox.Writer.TryComplete();
        _timeouts.Dispose();
        // Peers' readers serve blocks from the store: stop them before the store closes.
        await _p2p.DisposeAsync();
        _admission.Dispose(); // admission reads accounts from the store too
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
}
