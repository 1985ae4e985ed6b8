using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;
using Polis.Core.Proofs;
using Polis.Execution;
using Polis.Modules.Http;
using Polis.Modules.Indexing;
using Polis.Testing;

namespace Polis.Modules.Devices.Tests;

/// <summary>
/// The module's routes over HTTP (the house API app on 127.0.0.1, over a real chain in memory):
/// a request costs a bounded read however large the registry or a device's key history.
/// </summary>
public sealed class DevicesRoutesTests
{
    private sealed class CityHost(TestCity city, IIndexReader index) : IModuleHost
    {
        public string ChainId => city.ChainId;
        public ulong CommittedHeight => city.Chain.Height;
        public IStateView StateAt(ulong height) => city.State.At(height);
        public Hash32 StateRootAt(ulong height) => city.State.RootAt(height);
        public StateProof Prove(ReadOnlySpan<byte> key, ulong height) => city.State.Tree.Prove(key, height);
        public IIndexReader IndexOf(CityModule module) => index;
    }

    private static async Task<(WebApplication App, HttpClient Http)> Serve(TestCity city, IIndexReader index, int port)
    {
        var app = ApiApp.Create($"http://127.0.0.1:{port}", NullLoggerFactory.Instance, 64 * 1024, "Polis.Devices.Tests");
        new DevicesModule().MapRoutes(app.MapGroup("/v1/devices"), new CityHost(city, index));
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) });
    }

    [Fact]
    public async Task A_long_key_history_comes_a_page_at_a_time_newest_first()
    {
        var city = TestCity.WithDevices("meter-1");
        const int rotations = 150;
        for (int i = 0; i < rotations; i += 50)
            city.CommitAllOk([.. Enumerable.Range(i, 50).Select(r => city.Tx(TestCity.Operator, new DevicesBody.RotateDeviceKey("meter-1", TestCity.DeviceKey($"meter-1-{r}").PublicKey)))]);
        var (app, http) = await Serve(city, new MemoryIndex(), 23_010);
        await using var _ = app;
        using var __ = http;

        var first = (await http.GetFromJsonAsync<DeviceResponse>("v1/devices/meter-1"))!;
        Assert.Equal(100, first.Keys!.Count);
        Assert.Equal((51U, 150U), (first.Keys[0].Index, first.Keys[^1].Index));
        Assert.Equal(51U, first.KeysBefore);
        Assert.NotNull(first.Keys[0].UntilMs); // rotated out: when
        Assert.Null(first.Keys[^1].UntilMs); // the current key

        var older = (await http.GetFromJsonAsync<DeviceResponse>("v1/devices/meter-1?keysBefore=51"))!;
        Assert.Equal(51, older.Keys!.Count);
        Assert.Equal((0U, 50U), (older.Keys[0].Index, older.Keys[^1].Index));
        Assert.Null(older.KeysBefore);

        var bad = await http.GetAsync("v1/devices/meter-1?keysBefore=-1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("keysBefore must be a key index", await bad.Content.ReadAsStringAsync());

        // The framework's binding refusal, in the project's words and JSON shape.
        var maybe = await http.GetAsync("v1/devices/meter-1?proof=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, maybe.StatusCode);
        Assert.Equal("parameter proof takes true or false, not 'maybe'", (await maybe.Content.ReadFromJsonAsync<Polis.Client.Api.ApiError>())!.Error);
    }

    [Fact]
    public async Task A_filter_that_matches_nothing_reads_a_bounded_number_of_records_and_gives_a_cursor()
    {
        var city = TestCity.WithDevices();
        var index = new MemoryIndex();
        int devices = DevicesRoutes.ScanBudget + 5;
        var owner = TestCity.Operator.Address;
        for (int start = 0; start < devices; start += 1_000)
        {
            var ids = Enumerable.Range(start, Math.Min(1_000, devices - start)).Select(i => $"m-{i:00000}").ToList();
            city.CommitAllOk([.. ids.Select(id => city.Tx(TestCity.Operator, TestCity.Register(id, TestCity.DeviceKey("shared"))))]);
            var events = ids.Select(id => new ModuleEvent(DevicesKeys.Module, DevicesEvents.Registered.TypeName,
                new DevicesEvents.Registered(id, owner, "electricity-meter").ToBytes())).ToList();
            DeviceIndex.Stage(new CommittedBlock(null!, new BlockOutcome([new TxResult(default, ExecutionResults.Ok, "", events)], [], [], [])), index);
        }
        var (app, http) = await Serve(city, index, 23_011);
        await using var _ = app;
        using var __ = http;

        // Every device is at the same place: a box elsewhere matches none of them.
        var page = (await http.GetFromJsonAsync<DevicesPage>("v1/devices?bbox=-10,-10,-9,-9"))!;
        Assert.Empty(page.Devices);
        Assert.Equal($"m-{DevicesRoutes.ScanBudget - 1:00000}", page.Next); // stopped at the budget, resumable
        var rest = (await http.GetFromJsonAsync<DevicesPage>($"v1/devices?bbox=-10,-10,-9,-9&after={page.Next}"))!;
        Assert.Empty(rest.Devices);
        Assert.Null(rest.Next); // the last 5: the end
        var found = (await http.GetFromJsonAsync<DevicesPage>($"v1/devices?owner={owner}&limit=3"))!;
        Assert.Equal(["m-00000", "m-00001", "m-00002"], found.Devices.Select(d => d.Id));
    }
}
