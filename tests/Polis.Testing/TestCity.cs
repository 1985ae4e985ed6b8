using Polis.City;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Modules.Accounts;
using Polis.Modules.Devices;
using Xunit;
using Polis.Testing;

namespace Polis.Testing;

/// <summary>
/// A real chain in memory (4 validators, the accounts and devices modules) that commits blocks
/// with precommit signatures of its validators, so its proofs are the ones a node would serve.
/// The operator holds both roles and registers devices and gateways; the gateway anchors from its
/// own account.
/// </summary>
public sealed class TestCity
{
    public const string DefaultChainId = "polis-light-test";
    public const string GatewayId = "gw-north";
    public static readonly KeyPair[] ValidatorKeys = [.. Enumerable.Range(0, 4).Select(i => KeyPair.FromLabel($"light-v{i}"))];
    public static readonly KeyPair Operator = KeyPair.FromLabel("light-operator");
    public static readonly KeyPair GatewayAccount = KeyPair.FromLabel("light-gateway-account");

    private readonly Dictionary<Address, ulong> _nonces = [];
    /// <summary>
    /// The city's first block time (its devices are assigned to the gateway then); readings are
    /// taken after it (a proof needs a reading taken after its device's assignment, and bounds its
    /// time by the anchoring block's).
    /// </summary>
    public const long Epoch = 1_700_000_000_000;
    private long _timeMs = Epoch - 1_000;

    public TestCity(string chainId = DefaultChainId)
    {
        Genesis = MakeGenesis(chainId);
        State = TreeState.InMemory();
        var verifier = new CachingSignatureVerifier();
        Chain = new Chain(Genesis, State, verifier, CityModules.Set());
    }

    public Genesis Genesis { get; }
    public TreeState State { get; }
    public Chain Chain { get; }
    public string ChainId => Genesis.Id;

    public static Genesis MakeGenesis(string chainId = DefaultChainId) =>
        TestGenesis.Create(chainId, 1_000, new ValidatorSet([.. ValidatorKeys.Select(v => new Validator(v.PublicKey, 1))]),
            [(Operator.Address, 1_000_000UL)], [(Operator.Address, [.. DevicesRoles.All])]);

    public static KeyPair DeviceKey(string label) => KeyPair.FromLabel("light-device-" + label);

    /// <summary>A city with the gateway registered and the devices registered with <see cref="DeviceKey"/> of their own id, each assigned to the gateway.</summary>
    public static TestCity WithDevices(params string[] deviceIds)
    {
        var city = new TestCity();
        var txs = new List<Transaction> { city.Tx(Operator, new DevicesBody.RegisterGateway(GatewayId, GatewayAccount.Address)) };
        foreach (string id in deviceIds) txs.Add(city.Tx(Operator, Register(id, DeviceKey(id))));
        foreach (string id in deviceIds) txs.Add(city.Tx(Operator, new DevicesBody.AssignDevice(id, GatewayId)));
        city.CommitAllOk(txs);
        return city;
    }

    public static DevicesBody.RegisterDevice Register(string id, KeyPair key) =>
        new(id, key.PublicKey, DeviceKind.ElectricityMeter, "", GeoPoint.FromDegrees(52.37, 4.89), "{\"street\":\"Damrak\"}");

    public Transaction Tx(KeyPair sender, DevicesBody body) => Tx(sender, DevicesKeys.Module, body.ToBytes());

    /// <summary>A transfer from the operator: filler that puts other transactions beside an anchor.</summary>
    public Transaction Filler() => Tx(Operator, AccountsKeys.Module, new TransferBody(GatewayAccount.Address, 1).ToBytes());

    private Transaction Tx(KeyPair sender, ModuleId module, byte[] body)
    {
        _nonces.TryGetValue(sender.Address, out ulong nonce);
        _nonces[sender.Address] = nonce + 1;
        return Transaction.Create(ChainId, sender, nonce, module, body);
    }

    public Reading Reading(string deviceId, ulong sequence, long timeMs, KeyPair? key = null, params long[] values) =>
        Polis.Modules.Devices.Reading.Create(ChainId, deviceId, sequence, timeMs, "energy", "Wh", values.Length > 0 ? values : [(long)sequence * 10], null,
            key ?? DeviceKey(deviceId));

    /// <summary>Lets <paramref name="ms"/> pass before the next block.</summary>
    public void Wait(long ms) => _timeMs += ms;

    /// <summary>Builds, signs (by validators 0 to <paramref name="signers"/> - 1) and commits the next block.</summary>
    public Committed Commit(IReadOnlyList<Transaction> txs, int signers = 3)
    {
        _timeMs += 1_000;
        var block = Chain.Build(_timeMs, ValidatorKeys[0].Address, txs, []);
        Assert.Equal(txs.Count, block.Transactions.Count);
        var commit = Sign(ChainId, block, signers);
        var outcome = Chain.Commit(block, commit);
        return new Committed(block, commit.ToBytes(), outcome.Results);
    }

    public Committed CommitAllOk(IReadOnlyList<Transaction> txs)
    {
        var committed = Commit(txs);
        Assert.All(committed.Results, r => Assert.True(r.IsOk, r.Message));
        return committed;
    }

    public static Commit Sign(string chainId, Block block, int signers, int round = 0) =>
        new(block.Height, round, block.Id, [.. Enumerable.Range(0, signers).Select(i =>
            new CommitSignature((ushort)i, Vote.Create(chainId, ValidatorKeys[i], VoteType.Precommit, block.Height, round, block.Id).Signature))]);

    /// <summary>The proof of reading <paramref name="index"/> of <paramref name="batch"/>, anchored by <paramref name="anchorTx"/> in <paramref name="committed"/>.</summary>
    public ReadingProof Prove(TestBatch batch, int index, Transaction anchorTx, Committed committed, ulong batchNumber, string gatewayId = GatewayId)
    {
        ulong height = committed.Block.Height;
        var anchorKey = DevicesKeys.Anchor(gatewayId, batchNumber);
        var reading = batch.Readings[index];
        var deviceKey = DevicesKeys.Device(reading.DeviceId);
        var deviceRecord = State.Tree.Get(deviceKey, height);
        // As a gateway does: the key history entry of the key that signed it, when the device's key at the anchor does not.
        RotatedKeyProof? rotated = null;
        if (deviceRecord is not null)
        {
            var found = ReadingProofBuilder.RotatedKeyIndex(reading, DeviceRecord.Decode(deviceRecord), i =>
                Task.FromResult(State.Tree.Get(DevicesKeys.DeviceKey(reading.DeviceId, i), height) is { } bytes ? DeviceKeyRecord.Decode(bytes) : null)).Result;
            if (found is { } key)
            {
                var entryKey = DevicesKeys.DeviceKey(reading.DeviceId, key.Index);
                rotated = new RotatedKeyProof(key.Index, State.Tree.Get(entryKey, height)!, State.Tree.Prove(entryKey, height));
            }
        }
        // A failed anchor left no record: the proof then carries empty bytes and the state's proof of absence.
        return ReadingProofBuilder.Build(reading.Encoded, batch.Leaves, index, anchorTx, committed.Block, committed.CommitBytes,
            State.Tree.Get(anchorKey, height) ?? [], State.Tree.Prove(anchorKey, height),
            deviceRecord ?? [], State.Tree.Prove(deviceKey, height), rotated);
    }

    /// <summary>
    /// Anchors <paramref name="batch"/> as <paramref name="batchNumber"/> in a block of its own, between
    /// <paramref name="fillersBefore"/> and <paramref name="fillers"/> transfers.
    /// </summary>
    public Anchored Anchor(TestBatch batch, ulong batchNumber, int fillers = 0, string gatewayId = GatewayId, KeyPair? sender = null, int fillersBefore = 0)
    {
        var txs = new List<Transaction>();
        for (int i = 0; i < fillersBefore; i++) txs.Add(Filler());
        var anchorTx = Tx(sender ?? GatewayAccount, batch.AnchorBody(gatewayId, batchNumber));
        txs.Add(anchorTx);
        for (int i = 0; i < fillers; i++) txs.Add(Filler());
        return new Anchored(batch, batchNumber, anchorTx, Commit(txs), gatewayId, fillersBefore);
    }

    public ReadingProof Prove(Anchored anchored, int index) =>
        Prove(anchored.Batch, index, anchored.Tx, anchored.Committed, anchored.BatchNumber, anchored.GatewayId);
}
