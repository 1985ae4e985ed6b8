using MQTTnet;
using Polis.Modules.Devices;
using MQTTnet.Protocol;
using Polis.Client.Api;
using Polis.Client.Transactions;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Integration.Tests;

/// <summary>
/// Simulated devices for the data-plane tests: registers a gateway and devices through the
/// operator account, and publishes signed readings over MQTT 5 reading each PUBACK's verdict.
/// </summary>
public sealed class DistrictFixture(string chainId, NodeClient node, KeyPair operatorKey) : IAsyncDisposable
{
    private readonly IMqttClient _mqtt = new MqttClientFactory().CreateMqttClient();

    public List<(string Id, KeyPair Key)> Devices { get; } = [];

    public async Task RegisterAsync(string gatewayId, Address gatewayAccount, int devices, TimeSpan timeout)
    {
        var submitter = await TxSubmitter.ForAsync(node, operatorKey);
        var txs = new List<Transaction>
        {
            await submitter.SubmitAsync(DevicesKeys.Module, new DevicesBody.RegisterGateway(gatewayId, gatewayAccount).ToBytes()),
        };
        // The gateway pays the fees of its anchors: the operator funds it, as the demo's provisioner does.
        if (await Polis.Devnet.District.DistrictProvisioner.FundingOf(node, gatewayAccount) is { } funding)
            txs.Add(await submitter.SubmitAsync(Polis.Modules.Accounts.AccountsKeys.Module, funding));
        for (int i = 0; i < devices; i++)
        {
            string id = $"dev-{i:0000}";
            var key = KeyPair.FromLabel($"it-{id}");
            Devices.Add((id, key));
            var body = new DevicesBody.RegisterDevice(id, key.PublicKey, (DeviceKind)(1 + i % 6), "", new GeoPoint(48_200_000 + i, 16_300_000 + i), "");
            txs.Add(await submitter.SubmitAsync(DevicesKeys.Module, body.ToBytes()));
            txs.Add(await submitter.SubmitAsync(DevicesKeys.Module, new DevicesBody.AssignDevice(id, gatewayId).ToBytes()));
            if (txs.Count >= 500) await Settle(submitter, txs, timeout);
        }
        await Settle(submitter, txs, timeout);
    }

    public async Task<TxStatusResponse> SubmitAndWaitAsync(DevicesBody body, TimeSpan timeout)
    {
        var submitter = await TxSubmitter.ForAsync(node, operatorKey);
        var tx = await submitter.SubmitAsync(DevicesKeys.Module, body.ToBytes());
        return await submitter.WaitAsync(tx, timeout);
    }

    private static async Task Settle(TxSubmitter submitter, List<Transaction> txs, TimeSpan timeout)
    {
        foreach (var tx in txs)
        {
            var status = await submitter.WaitAsync(tx, timeout);
            Assert.True(status.Result == TxStatusResponse.OkResult, $"registration {tx.Hash.Short}: {status.Result} {status.Message}");
        }
        txs.Clear();
    }

    /// <summary>The key the fixture proves to a gateway's broker as a data concentrator (it publishes every device's readings on one connection).</summary>
    public static readonly KeyPair Concentrator = KeyPair.FromLabel("it-district-concentrator");

    /// <summary>Connects to the broker on <paramref name="port"/>: as the gateway's concentrator (a signed password), or with the given credentials (an external broker's password file).</summary>
    public async Task ConnectAsync(int port, (string User, string Password)? credentials = null, string gatewayId = "gw-0")
    {
        if (_mqtt.IsConnected) await _mqtt.DisconnectAsync();
        string clientId = $"{MqttConnectProof.ConcentratorClientPrefix}it-{Guid.NewGuid():N}";
        var (user, password) = credentials ?? MqttConnectProof.ForConcentrator(chainId, gatewayId, clientId, Concentrator, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId).WithCredentials(user, password).WithTimeout(TimeSpan.FromSeconds(10)).Build();
        await _mqtt.ConnectAsync(options);
    }

    public Reading Make(int device, ulong sequence, long value, KeyPair? signer = null) =>
        Reading.Create(chainId, Devices[device].Id, sequence, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "energy_import", "Wh", [value], null, signer ?? Devices[device].Key);

    /// <summary>Publishes with QoS 1; the gateway's verdict: null when accepted, else the PUBACK reason string (or code).</summary>
    public async Task<string?> PublishAsync(Reading reading, string? topicDevice = null)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic($"polis/readings/{topicDevice ?? reading.DeviceId}").WithPayload(reading.Encoded)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var result = await _mqtt.PublishAsync(message);
        return result.IsSuccess ? null : $"{result.ReasonCode}: {result.ReasonString}";
    }

    /// <summary>A device's backlog in one message (content type application/x-polis-readings); the verdict as <see cref="PublishAsync"/>'s.</summary>
    public async Task<string?> PublishBacklogAsync(IReadOnlyList<Reading> readings)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic($"polis/readings/{readings[0].DeviceId}")
            .WithPayload(Polis.Gateway.ReadingsRequest.EncodeBatch(readings.Select(r => r.Encoded).ToArray()))
            .WithContentType(Polis.Gateway.ReadingsRequest.BatchContentType)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        var result = await _mqtt.PublishAsync(message);
        return result.IsSuccess ? null : $"{result.ReasonCode}: {result.ReasonString}";
    }

    public async ValueTask DisposeAsync()
    {
        try { if (_mqtt.IsConnected) await _mqtt.DisconnectAsync(); }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException) { }
        _mqtt.Dispose();
        foreach (var (_, key) in Devices) key.Dispose();
    }
}
