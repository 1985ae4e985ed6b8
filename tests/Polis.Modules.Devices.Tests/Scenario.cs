using Polis.Client.Light;
using Polis.Modules.Devices;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>The usual setting: two meters, a batch of five readings anchored beside five other transactions.</summary>
internal sealed class Scenario
{
    public const int ProvenIndex = 3;

    public Scenario()
    {
        City = TestCity.WithDevices("meter-1", "meter-2");
        Batch = new TestBatch(
            City.Reading("meter-1", 1, 1_700_000_000_100),
            City.Reading("meter-2", 1, 1_700_000_000_150),
            City.Reading("meter-1", 2, 1_700_000_000_200),
            City.Reading("meter-2", 2, 1_700_000_000_250, null, 1234, -5),
            City.Reading("meter-1", 3, 1_700_000_000_300));
        Anchored = City.Anchor(Batch, 0, fillers: 5);
        Assert.True(Anchored.Result.IsOk, Anchored.Result.Message);
        Proof = City.Prove(Anchored, ProvenIndex);
        Client = LightClients.Trusting(City.Genesis);
    }

    public TestCity City { get; }
    public TestBatch Batch { get; }
    public Anchored Anchored { get; }
    public ReadingProof Proof { get; }
    public LightClient Client { get; }
}
