using Polis.Core.Crypto;
using Polis.Modules.Devices;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.Execution.Roles;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>The devices module over a plain dictionary, with an owner, an operator and an outsider.</summary>
internal sealed class DevicesHarness
{
    public const string ChainId = "polis-city-test";
    public static readonly KeyPair Owner = KeyPair.FromLabel("city-owner");
    public static readonly KeyPair OtherOwner = KeyPair.FromLabel("city-other-owner");
    public static readonly KeyPair Operator = KeyPair.FromLabel("city-operator");
    public static readonly KeyPair Outsider = KeyPair.FromLabel("city-outsider");
    public static readonly KeyPair GatewayAccount = KeyPair.FromLabel("city-gateway-account");

    private readonly DevicesModule _module = new();

    public DevicesHarness()
    {
        RoleRecord.Grant(State, DevicesRoles.DeviceOwner, Owner.Address);
        RoleRecord.Grant(State, DevicesRoles.DeviceOwner, OtherOwner.Address);
        RoleRecord.Grant(State, DevicesRoles.GatewayOperator, Operator.Address);
    }

    public DictionaryView State { get; } = new();

    /// <summary>The events the last successful <see cref="Apply(KeyPair, byte[])"/> emitted, decoded.</summary>
    public IReadOnlyList<ModuleEvent> LastEvents { get; private set; } = [];

    /// <summary>The height the next <see cref="Apply(KeyPair, DevicesBody)"/> runs at; each call advances it.</summary>
    public ulong Height { get; private set; } = 1;

    public TxResult Apply(KeyPair sender, DevicesBody body) => Apply(sender, body.ToBytes());

    public TxResult Apply(KeyPair sender, byte[] body)
    {
        var tx = Transaction.Create(ChainId, sender, 0, DevicesKeys.Module, body);
        var events = new EventLog();
        var result = _module.Apply(tx, State, new BlockContext(Height, 1_000 * (long)Height), events);
        LastEvents = result.IsOk ? [.. events.Pending] : [];
        Height++;
        return result;
    }

    public void AssertOk(KeyPair sender, DevicesBody body)
    {
        var result = Apply(sender, body);
        Assert.True(result.IsOk, result.Message);
    }

    /// <summary>Applies and expects <paramref name="code"/>, and that state did not change at all.</summary>
    public TxResult AssertFails(ResultCode code, KeyPair sender, DevicesBody body) => AssertFails(code, sender, body.ToBytes());

    public TxResult AssertFails(ResultCode code, KeyPair sender, byte[] body)
    {
        var before = State.Snapshot();
        var result = Apply(sender, body);
        Assert.Equal(code, result.Code);
        Assert.NotEmpty(result.Message);
        Assert.Equal(before, State.Snapshot());
        return result;
    }

    public static DevicesBody.RegisterDevice Register(string id, KeyPair key) =>
        new(id, key.PublicKey, DeviceKind.AirQuality, "", new GeoPoint(48_856_600, 2_352_200), "roof of the town hall");

    public static DevicesBody.AnchorBatch Anchor(string gatewayId, ulong batch, uint count = 10, long first = 100, long last = 200) =>
        new(gatewayId, batch, Sha256.Hash([(byte)batch]), count, first, last);
}
