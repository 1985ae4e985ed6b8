using Polis.Core.Crypto;
using Polis.Execution;
using Polis.Modules.Indexing;

namespace Polis.Modules.Devices.Tests;

/// <summary>The listing index: by id, by owner and by kind, each read alone, so a filter reads only its own devices.</summary>
public sealed class DeviceIndexTests
{
    private static ModuleEvent Registered(string id, Address owner, string kind) =>
        new(DevicesKeys.Module, DevicesEvents.Registered.TypeName, new DevicesEvents.Registered(id, owner, kind).ToBytes());

    [Fact]
    public void Owner_and_kind_scans_read_only_their_devices_and_the_plain_scan_only_ids()
    {
        var alice = KeyPair.FromLabel("alice").Address;
        var bob = KeyPair.FromLabel("bob").Address;
        var events = new List<ModuleEvent>();
        for (int i = 0; i < 500; i++) events.Add(Registered($"meter-{i:000}", alice, "electricity-meter"));
        events.Add(Registered("air-1", bob, "air-quality"));
        events.Add(Registered("zz-custom", bob, "tide-gauge"));
        var outcome = new BlockOutcome([new TxResult(default, ExecutionResults.Ok, "", events)], [], [], []);
        var index = new MemoryIndex();
        DeviceIndex.Stage(new CommittedBlock(null!, outcome), index);

        Assert.Equal(502, DeviceIndex.Scan(index, null).Count());
        Assert.Equal("air-1", DeviceIndex.Scan(index, null).First());
        index.Reads = 0;
        Assert.Equal(["air-1", "zz-custom"], DeviceIndex.ScanOwner(index, bob, null));
        Assert.True(index.Reads <= 3, $"bob's two devices took {index.Reads} reads");
        Assert.Equal(["zz-custom"], DeviceIndex.ScanOwner(index, bob, "air-1"));
        Assert.Equal(["zz-custom"], DeviceIndex.ScanKind(index, "tide-gauge", null));
        Assert.Empty(DeviceIndex.ScanKind(index, "tide", null)); // a prefix of a kind is not the kind
        Assert.Equal(["meter-498", "meter-499"], DeviceIndex.ScanKind(index, "electricity-meter", "meter-497"));
        Assert.Empty(DeviceIndex.ScanOwner(index, KeyPair.FromLabel("nobody").Address, null));
    }
}
