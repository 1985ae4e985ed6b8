using MQTTnet;
using Polis.Modules.Devices;
using MQTTnet.Protocol;
using Polis.Core.Crypto;

namespace Polis.Devnet.District;

/// <summary>
/// Publishes the district's signed readings over MQTT 5 (QoS 1, topic polis/readings/{deviceId}) at
/// a steady rate, and reads each PUBACK: the gateway accepts a reading or says why not. One reading
/// in 250 is forged and one in 250 replays a used sequence number, so the live view shows rejections
/// doing their job.
/// </summary>
public sealed class DistrictPublisher(DistrictFile district, DistrictStats stats)
{
    private const int InFlightMax = 64;
    private const int BadEvery = 250;

    public async Task RunAsync(CancellationToken cancel)
    {
        var random = new Random();
        var factories = district.Devices.Select(d => new ReadingFactory(district.ChainId, d, new Random(d.Id.GetHashCode()))).ToArray();
        using var intruder = KeyPair.Generate();
        var (host, port) = ParseEndpoint(district.Mqtt);
        using var client = new MqttClientFactory().CreateMqttClient();
        using var concentrator = Polis.Client.Config.KeyFile.Load(district.ConcentratorKeyFile);
        string clientId = $"{MqttConnectProof.ConcentratorClientPrefix}district-{Environment.ProcessId}";
        using var inFlight = new SemaphoreSlim(InFlightMax);
        long sent = 0;
        int next = 0;
        var tick = TimeSpan.FromMilliseconds(100);
        double perTick = Math.Max(1, district.Rate) / 10.0, owed = 0;
        while (!cancel.IsCancellationRequested)
        {
            if (!client.IsConnected)
            {
                // Signed afresh for each attempt: the broker takes a password's time within a few minutes of its clock.
                var (user, password) = MqttConnectProof.ForConcentrator(district.ChainId, district.GatewayId, clientId, concentrator, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                var options = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
                    .WithClientId(clientId).WithCredentials(user, password).WithCleanSession().Build();
                try { await client.ConnectAsync(options, cancel); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    stats.OnRejected("broker unreachable");
                    await Task.Delay(1000, cancel).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }
            }
            var started = DateTime.UtcNow;
            owed += perTick;
            for (; owed >= 1; owed--)
            {
                int i = next++ % factories.Length;
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                sent++;
                Reading reading;
                bool countAsGood = true;
                if (sent % BadEvery == 0) { reading = factories[i].Forged(now, intruder); countAsGood = false; }
                else if (sent % BadEvery == BadEvery / 2 && factories[i].HasPublished) { reading = factories[i].Stale(now); countAsGood = false; }
                else reading = factories[i].Next(now);
                await inFlight.WaitAsync(cancel);
                _ = Publish(client, reading, countAsGood, inFlight);
            }
            var elapsed = DateTime.UtcNow - started;
            if (elapsed < tick) await Task.Delay(tick - elapsed, cancel).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (client.IsConnected) await client.DisconnectAsync();
    }

    private async Task Publish(IMqttClient client, Reading reading, bool good, SemaphoreSlim inFlight)
    {
        try
        {
            var message = new MqttApplicationMessageBuilder().WithTopic($"polis/readings/{reading.DeviceId}").WithPayload(reading.Encoded)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            stats.OnPublished();
            var result = await client.PublishAsync(message);
            if (result.IsSuccess) // Success, or NoMatchingSubscribers: accepted and nobody listens to the topic
            {
                if (good) stats.OnAccepted(reading.DeviceId, reading.Sequence, reading.TimeMs);
                else stats.OnBadAccepted();
            }
            else
            {
                stats.OnRejected(result.ReasonString is { Length: > 0 } reason ? FirstWord(reason) : result.ReasonCode.ToString());
            }
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            stats.OnRejected("not delivered");
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>The reason code word of a gateway's reason string ("bad-signature: …" → "bad-signature").</summary>
    private static string FirstWord(string reason)
    {
        int colon = reason.IndexOf(':');
        return colon > 0 ? reason[..colon] : reason;
    }

    internal static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], out int port)) throw new FormatException($"MQTT endpoint '{endpoint}' is not host:port");
        return (endpoint[..colon], port);
    }
}
