using System.Diagnostics;
using Polis.Modules.Devices;
using System.Net.Http.Headers;
using MQTTnet;
using MQTTnet.Protocol;
using Polis.Devnet.District;
using Polis.Devnet;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Client.Config;
using Polis.Node.Config;
using Polis.Gateway;

namespace Polis.Bench;

/// <summary>
/// `polis bench ingest`: a devnet whose node0 runs the gateway; readings signed before the timed
/// window by registered devices go in, a third each, over MQTT 5 one reading per message (QoS 1, a
/// window of unacknowledged publishes per client), over MQTT 5 as device backlogs (a device's
/// readings many to a message), and over the HTTP batch endpoint. Measured: readings per second acknowledged
/// (verified and durably stored) and anchored (in a committed batch), the gateway node's CPU per
/// reading, and V in the same run: the gateway's ceiling is cores × V.
/// </summary>
public sealed class IngestBench(int readings, int devices, int validators, int basePort, Action<string> progress, int warmup = 0)
{
    // MQTTnet handles one connection's publishes one after another, and a PUBACK waits for the
    // reading's synced write; so, as in a city where each device keeps its own connection,
    // throughput comes from many connections with a few publishes in flight each.
    private const int MqttClients = 200;
    private const int MqttInFlightPerClient = 4;
    /// <summary>Readings per backlog message: a meter reading every 15 minutes that was offline for half a day.</summary>
    public const int BacklogReadings = 50;
    private const int HttpStreams = 4;
    private const int HttpBatch = 500;
    private const string GatewayId = "bench-gw";
    private static readonly TimeSpan AnchorDeadline = TimeSpan.FromMinutes(3);

    public sealed record PathResult(string Path, int Readings, int Accepted, int Refused, double AcceptSeconds, double AcceptedPerSecond,
        double AnchoredSeconds, double AnchoredPerSecond, double GatewayCpuSecondsPer1000, string FirstRefusal);

    public const int WarmupMax = 1_000_000;

    /// <summary>
    /// After 20,000 readings the JIT's tiering thread was still 14 % of the gateway's CPU in the
    /// timed window, after 100,000 it was 6 % (perf, 2 vCPUs).
    /// </summary>
    public const int WarmupDefault = 100_000;

    public sealed record Result(int Readings, int Devices, int Validators, double VerifyPerSecond, double VerifyAllCoresPerSecond, int Cores,
        IReadOnlyList<PathResult> Paths, string Problems, int Warmup)
    {
        public double Ceiling => Cores * VerifyPerSecond;
    }

    /// <summary>The bench's publishers prove this key to the gateway's broker as data concentrators (each connection carries many devices' readings).</summary>
    private static readonly KeyPair Concentrator = KeyPair.FromLabel("polis-bench-concentrator");

    public async Task<Result> RunAsync(CancellationToken cancel)
    {
        progress("measuring V (Ed25519 verifications per second, one core)");
        double v = VerifyRate.Measure();
        double vAll = VerifyRate.MeasureAllCores();
        string dir = Path.Combine(Path.GetTempPath(), $"polis-bench-ingest-{Guid.NewGuid():N}");
        int mqttPort = basePort + 2 * validators;
        var manifest = DevnetLayout.Create(dir, validators, basePort, accounts: 1, tune: c => c.EmptyBlockDelayMs = 50, perNode: (i, home, config) =>
        {
            if (i != 0) return;
            Directory.CreateDirectory(home.Directory);
            using (var key = KeyPair.Generate()) KeyFile.Save(Path.Combine(home.Directory, "gateway_key.json"), key);
            GatewaySetup.Enable(config, GatewayId, "gateway_key.json", $"127.0.0.1:{mqttPort}", [Concentrator.PublicKey]);
        });
        var processes = new List<Process>();
        try
        {
            foreach (var node in manifest.Nodes) processes.Add(NodeProcess.Start(node.Home, detach: false));
            using var client = new NodeClient(manifest.Nodes[0].Api, TimeSpan.FromSeconds(30));
            progress($"started {validators} validator(s), node0 with the gateway; waiting for the first block");
            await DistrictRunner.WaitForHeight(client, 1, cancel);
            string districtHome = Path.Combine(dir, "district");
            var district = new DistrictFile
            {
                ChainId = manifest.ChainId, Node = manifest.Nodes[0].Api, Mqtt = $"127.0.0.1:{mqttPort}", GatewayId = GatewayId,
                GatewayKeyFile = Path.Combine(manifest.Nodes[0].Home, "gateway_key.json"), OperatorKeyFile = manifest.Accounts[0],
                Devices = DistrictLayout.Create(devices),
            };
            district.Save(districtHome);
            progress($"registering the gateway and {devices} devices");
            await DistrictProvisioner.RunAsync(client, district, districtHome, _ => { }, cancel);

            var keys = district.Devices.Select(d => KeyPair.FromSeed(Convert.FromHexString(d.Seed))).ToArray();
            var paths = new List<PathResult>();
            ulong nextSequence = 1;
            List<Reading> Next(int count)
            {
                var stream = Sign(manifest.ChainId, district, keys, count, nextSequence);
                nextSequence += (ulong)((count + devices - 1) / devices);
                return stream;
            }
            if (warmup > 0)
            {
                // The gateway's first readings are spent largely in the JIT (a perf profile of a
                // run without this had the tiering thread at 14 % of the gateway's CPU).
                progress($"warming up: {warmup} readings, a third over each path, not measured");
                var (_, mqttRefused, mqttFirst) = await PublishMqtt(mqttPort, Next(warmup / 3), cancel);
                var (_, backlogRefused, backlogFirst) = await PublishBacklogs(mqttPort, Next(warmup / 3), cancel);
                var warmHttp = Next(warmup - 2 * (warmup / 3));
                var (_, httpRefused, httpFirst) = await PostHttp(manifest.Nodes[0].Api, warmHttp, cancel);
                if (mqttRefused + backlogRefused + httpRefused > 0) throw new InvalidOperationException($"warm-up readings refused: {mqttFirst} {backlogFirst} {httpFirst}");
                // Its anchoring must not overlap the timed window.
                if (!await WaitAnchored(client, warmHttp[^1], Stopwatch.StartNew(), cancel))
                    throw new TimeoutException("the warm-up readings were not anchored");
            }
            int third = readings / 3;
            progress($"signing {readings} readings");
            var overMqtt = Next(third);
            var asBacklogs = Next(third);
            var overHttp = Next(readings - 2 * third);
            progress($"publishing {overMqtt.Count} readings over MQTT, one per message ({MqttClients} clients, {MqttInFlightPerClient} in flight each)");
            paths.Add(await Measure("MQTT 5, QoS 1", overMqtt, processes[0].Id, client, () => PublishMqtt(mqttPort, overMqtt, cancel), cancel));
            progress($"publishing {asBacklogs.Count} readings over MQTT as device backlogs of {BacklogReadings} per message");
            paths.Add(await Measure($"MQTT 5, backlogs of {BacklogReadings}", asBacklogs, processes[0].Id, client, () => PublishBacklogs(mqttPort, asBacklogs, cancel), cancel));
            progress($"posting {overHttp.Count} readings to POST /v1/readings ({HttpStreams} streams, {HttpBatch} per request)");
            paths.Add(await Measure("HTTP batches", overHttp, processes[0].Id, client, () => PostHttp(manifest.Nodes[0].Api, overHttp, cancel), cancel));
            foreach (var k in keys) k.Dispose();
            string problems = string.Join("; ", paths.Where(p => p.Refused > 0 || double.IsNaN(p.AnchoredSeconds))
                .Select(p => $"{p.Path}: {p.Refused} refused ({p.FirstRefusal}){(double.IsNaN(p.AnchoredSeconds) ? ", not all anchored" : "")}"));
            // V again after the load; the higher is used, so a slow moment of this shared machine cannot flatter the shares.
            v = Math.Max(v, VerifyRate.Measure());
            vAll = Math.Max(vAll, VerifyRate.MeasureAllCores());
            return new Result(readings, devices, validators, v, vAll, Environment.ProcessorCount, paths, problems, warmup);
        }
        finally
        {
            foreach (var p in processes)
            {
                try { NodeProcess.Stop(p.Id, manifest.Nodes[processes.IndexOf(p)].Home, TimeSpan.FromSeconds(10)); }
                catch (InvalidOperationException) { }
                p.Dispose();
            }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Readings in rounds: one per device per round, its sequence the round's.</summary>
    private static List<Reading> Sign(string chainId, DistrictFile district, KeyPair[] keys, int count, ulong firstSequence)
    {
        var list = new List<Reading>(count);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < count; i++)
        {
            int d = i % keys.Length;
            ulong sequence = firstSequence + (ulong)(i / keys.Length);
            list.Add(Reading.Create(chainId, district.Devices[d].Id, sequence, now + i / keys.Length, "energy_import", "Wh", [i], null, keys[d]));
        }
        return list;
    }

    /// <summary>
    /// Waits (until the clock reads <see cref="AnchorDeadline"/>) for the reading's proof. Batches are
    /// anchored in order (the chain takes batch k only after k-1), so the last reading's proof means
    /// all before it are anchored.
    /// </summary>
    private static async Task<bool> WaitAnchored(NodeClient client, Reading last, Stopwatch clock, CancellationToken cancel)
    {
        while (clock.Elapsed < AnchorDeadline)
        {
            try
            {
                if (await client.ReadingProofAsync(last.DeviceId, last.Sequence, cancel) is not null) return true;
            }
            catch (NodeApiException)
            {
            }
            await Task.Delay(50, cancel);
        }
        return false;
    }

    private static async Task<PathResult> Measure(string name, List<Reading> stream, int gatewayPid, NodeClient client,
        Func<Task<(int Accepted, int Refused, string FirstRefusal)>> send, CancellationToken cancel)
    {
        double cpuBefore = ProcessStats.CpuSeconds(gatewayPid);
        var clock = Stopwatch.StartNew();
        var (accepted, refused, firstRefusal) = await send();
        double acceptSeconds = clock.Elapsed.TotalSeconds;
        double anchoredSeconds = await WaitAnchored(client, stream[^1], clock, cancel) ? clock.Elapsed.TotalSeconds : double.NaN;
        double cpu = ProcessStats.CpuSeconds(gatewayPid) - cpuBefore;
        return new PathResult(name, stream.Count, accepted, refused, acceptSeconds, accepted / acceptSeconds, anchoredSeconds,
            accepted / anchoredSeconds, cpu * 1000 / Math.Max(1, accepted), firstRefusal);
    }

    /// <summary>
    /// The stream split among the MQTT clients: each device belongs to one client (in turn, by first
    /// appearance), as a real device keeps one connection, and a client's readings keep the stream's
    /// order, so a device's readings arrive in sequence (the broker handles a connection's publishes
    /// one after another).
    /// </summary>
    private static IEnumerable<(List<Reading> Readings, int Client)> ByClient(List<Reading> stream)
    {
        var owner = new Dictionary<string, int>(StringComparer.Ordinal);
        var clients = Enumerable.Range(0, MqttClients).Select(_ => new List<Reading>()).ToArray();
        foreach (var r in stream)
        {
            if (!owner.TryGetValue(r.DeviceId, out int c)) owner[r.DeviceId] = c = owner.Count % MqttClients;
            clients[c].Add(r);
        }
        return clients.Select((readings, c) => (readings, c)).Where(x => x.readings.Count > 0);
    }

    /// <summary>One reading per message.</summary>
    private static async Task<(int, int, string)> PublishMqtt(int port, List<Reading> stream, CancellationToken cancel)
    {
        var tally = new MqttTally();
        await Task.WhenAll(ByClient(stream).Select(x => Task.Run(() => PublishOnConnection(port, $"{MqttConnectProof.ConcentratorClientPrefix}bench-{x.Client}-{Environment.ProcessId}",
            x.Readings.Select(r => (new MqttApplicationMessageBuilder().WithTopic(MqttTopicOf(r)).WithPayload(r.Encoded)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), 1)), tally, cancel), cancel)));
        return tally.Result;
    }

    /// <summary>
    /// Each device's readings (in sequence order) in messages of <see cref="BacklogReadings"/>, content
    /// type application/x-polis-readings on the device's topic; a client sends one message per device
    /// of its own per round.
    /// </summary>
    private static async Task<(int, int, string)> PublishBacklogs(int port, List<Reading> stream, CancellationToken cancel)
    {
        var tally = new MqttTally();
        await Task.WhenAll(ByClient(stream).Select(x => Task.Run(() =>
        {
            var devices = x.Readings.GroupBy(r => r.DeviceId, StringComparer.Ordinal).Select(g => g.ToList()).ToArray();
            var messages = new List<(MqttApplicationMessage, int)>();
            for (int round = 0; devices.Any(list => list.Count > round * BacklogReadings); round++)
                foreach (var list in devices)
                {
                    if (list.Count <= round * BacklogReadings) continue;
                    var part = list.GetRange(round * BacklogReadings, Math.Min(BacklogReadings, list.Count - round * BacklogReadings));
                    messages.Add((new MqttApplicationMessageBuilder().WithTopic(MqttTopicOf(part[0])).WithPayload(Encode(part))
                        .WithContentType(ReadingsRequest.BatchContentType).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), part.Count));
                }
            return PublishOnConnection(port, $"{MqttConnectProof.ConcentratorClientPrefix}bench-backlog-{x.Client}-{Environment.ProcessId}", messages, tally, cancel);
        }, cancel)));
        return tally.Result;
    }

    /// <summary>Readings accepted and refused over MQTT, and the first refusal's reason.</summary>
    private sealed class MqttTally
    {
        public int Accepted, Refused;
        public string First = "";
        public (int, int, string) Result => (Accepted, Refused, First);
    }

    /// <summary>
    /// One device connection publishing the messages in turn, at most <see cref="MqttInFlightPerClient"/>
    /// unacknowledged. A message's readings count as accepted only when its PUBACK is a success (for a
    /// backlog: every reading in it was stored).
    /// </summary>
    private static async Task PublishOnConnection(int port, string clientId, IEnumerable<(MqttApplicationMessage Message, int Readings)> messages, MqttTally tally, CancellationToken cancel)
    {
        using var mqtt = new MqttClientFactory().CreateMqttClient();
        var (user, password) = MqttConnectProof.ForConcentrator(DevnetLayout.ChainId, GatewayId, clientId, Concentrator, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await mqtt.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(clientId).WithCredentials(user, password).WithTimeout(TimeSpan.FromSeconds(30)).Build(), cancel);
        using var window = new SemaphoreSlim(MqttInFlightPerClient);
        var inFlight = new List<Task>();
        foreach (var (message, readings) in messages)
        {
            await window.WaitAsync(cancel);
            inFlight.Add(mqtt.PublishAsync(message, cancel).ContinueWith(t =>
            {
                window.Release();
                if (t.IsCompletedSuccessfully && t.Result.IsSuccess) Interlocked.Add(ref tally.Accepted, readings);
                else
                {
                    Interlocked.Add(ref tally.Refused, readings);
                    Interlocked.CompareExchange(ref tally.First, t.IsCompletedSuccessfully ? $"{t.Result.ReasonCode} {t.Result.ReasonString}" : t.Exception?.GetBaseException().Message ?? "cancelled", "");
                }
            }, TaskScheduler.Default));
            if (inFlight.Count > 4096) inFlight.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(inFlight);
        await mqtt.DisconnectAsync(cancellationToken: cancel);
    }

    private static string MqttTopicOf(Reading r) => $"polis/readings/{r.DeviceId}";

    /// <summary>Streams own disjoint devices, and each posts its batches one after another, so a device's readings arrive in order.</summary>
    private static async Task<(int, int, string)> PostHttp(string api, List<Reading> stream, CancellationToken cancel)
    {
        int accepted = 0, refused = 0;
        string first = "";
        using var http = new HttpClient { BaseAddress = new Uri(api.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        var streams = Enumerable.Range(0, HttpStreams).Select(s => Task.Run(async () =>
        {
            var mine = stream.Where(r => Math.Abs(r.DeviceId.GetHashCode() % HttpStreams) == s).ToList();
            for (int start = 0; start < mine.Count; start += HttpBatch)
            {
                var batch = mine.GetRange(start, Math.Min(HttpBatch, mine.Count - start));
                using var content = new ByteArrayContent(Encode(batch));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-polis-readings");
                using var response = await http.PostAsync("v1/readings", content, cancel);
                string body = await response.Content.ReadAsStringAsync(cancel);
                var (ok, bad, why) = ReadingResults.Count(response.IsSuccessStatusCode, body, batch.Count);
                Interlocked.Add(ref accepted, ok);
                Interlocked.Add(ref refused, bad);
                if (bad > 0) Interlocked.CompareExchange(ref first, why, "");
            }
        }, cancel)).ToArray();
        await Task.WhenAll(streams);
        return (accepted, refused, first);
    }

    private static byte[] Encode(List<Reading> batch) => ReadingsRequest.EncodeBatch(batch.ConvertAll(r => r.Encoded));
}
