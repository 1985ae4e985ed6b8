using System.CommandLine;
using System.Globalization;
using Polis.Client.Config;
using Polis.Client.Transactions;
using Polis.Core.Crypto;
using Polis.Modules.Cli;
using Spectre.Console;

namespace Polis.Modules.Devices;

/// <summary>`polis device register|rotate|revoke|show|list` and `polis gateway register`: the devices registry on chain.</summary>
internal static class DevicesCommands
{
    internal static Option<string> NodeOption() => ModuleCommands.NodeOption();
    internal static Option<string> FromOption() => ModuleCommands.FromOption("the signer's key file (an account with the needed role, or the device's owner)");

    public static IEnumerable<Command> Create()
    {
        yield return new Command("device", "Register devices, assign them to a gateway, rotate or revoke their keys, and query them.")
        {
            Register(), Assign(), Rotate(), Revoke(), Show(), List(), MqttPassword(),
        };
        yield return new Command("gateway", "Gateways: register one on chain.") { GatewayRegisterCommand.Create() };
    }

    private static Command Register()
    {
        var node = NodeOption();
        var from = FromOption();
        var id = new Option<string>("--id") { Description = "the device id (a-z, 0-9, '.', '_', '-'; at most 64)", Required = true };
        var kind = new Option<string>("--kind") { Description = "electricity-meter, solar-inverter, air-quality, traffic-counter, parking-bay, ev-charger, or any other name (a custom kind)", Required = true };
        var key = new Option<string>("--device-key") { Description = "the device's key file (its public key is registered)", Required = true };
        var lat = new Option<double>("--lat") { Description = "latitude in degrees" };
        var lon = new Option<double>("--lon") { Description = "longitude in degrees" };
        var metadata = new Option<string>("--metadata") { Description = "free text, at most 512 bytes", DefaultValueFactory = _ => "" };
        var command = new Command("register", "Register a device; the signer (a device owner) becomes its owner.") { node, from, id, kind, key, lat, lon, metadata };
        command.SetAction((parse, cancel) => ModuleCommands.Run(parse.GetValue(node)!, parse.GetValue(from)!, async (client, submitter) =>
        {
            string deviceId = parse.GetValue(id)!;
            if (!EntityId.IsValid(deviceId, out string idError)) return CliOutput.Fail($"--id: {idError}", CliOutput.UsageError);
            string kindName = parse.GetValue(kind)!;
            var deviceKind = DeviceKinds.TryParse(kindName, out var known) && known != DeviceKind.Custom ? known : DeviceKind.Custom;
            string custom = deviceKind == DeviceKind.Custom ? kindName : "";
            if (System.Text.Encoding.UTF8.GetByteCount(custom) > DeviceRecord.CustomKindBytesMax) return CliOutput.Fail($"--kind: a custom kind is at most {DeviceRecord.CustomKindBytesMax} bytes", CliOutput.UsageError);
            if (System.Text.Encoding.UTF8.GetByteCount(parse.GetValue(metadata)!) > DeviceRecord.MetadataBytesMax) return CliOutput.Fail($"--metadata exceeds {DeviceRecord.MetadataBytesMax} bytes", CliOutput.UsageError);
            var location = GeoPoint.FromDegrees(parse.GetValue(lat), parse.GetValue(lon));
            if (!location.IsValid) return CliOutput.Fail("--lat must be within ±90 and --lon within ±180", CliOutput.UsageError);
            PublicKey deviceKey;
            try { using var k = KeyFile.Load(parse.GetValue(key)!); deviceKey = k.PublicKey; }
            catch (Exception e) when (e is FormatException or IOException) { return CliOutput.Fail(e.Message); }
            var body = new DevicesBody.RegisterDevice(deviceId, deviceKey, deviceKind, custom, location, parse.GetValue(metadata)!);
            return await SubmitAndReport(submitter, body, cancel);
        }));
        return command;
    }

    private static Command Rotate()
    {
        var node = NodeOption();
        var from = FromOption();
        var id = new Option<string>("--id") { Description = "the device id", Required = true };
        var key = new Option<string>("--device-key") { Description = "the device's new key file", Required = true };
        var command = new Command("rotate", "Replace a device's key (owner only); the old key stays in its history.") { node, from, id, key };
        command.SetAction((parse, cancel) => ModuleCommands.Run(parse.GetValue(node)!, parse.GetValue(from)!, async (client, submitter) =>
        {
            string deviceId = parse.GetValue(id)!;
            if (!EntityId.IsValid(deviceId, out string idError)) return CliOutput.Fail($"--id: {idError}", CliOutput.UsageError);
            PublicKey newKey;
            try { using var k = KeyFile.Load(parse.GetValue(key)!); newKey = k.PublicKey; }
            catch (Exception e) when (e is FormatException or IOException) { return CliOutput.Fail(e.Message); }
            return await SubmitAndReport(submitter, new DevicesBody.RotateDeviceKey(deviceId, newKey), cancel);
        }));
        return command;
    }

    private static Command Assign()
    {
        var node = NodeOption();
        var from = FromOption();
        var id = new Option<string>("--id") { Description = "the device id", Required = true };
        var gateway = new Option<string>("--gateway") { Description = "the gateway its readings go through (only that gateway's anchors prove them)", Required = true };
        var command = new Command("assign", "Route a device's readings through a gateway (owner only).") { node, from, id, gateway };
        command.SetAction((parse, cancel) => ModuleCommands.Run(parse.GetValue(node)!, parse.GetValue(from)!, async (client, submitter) =>
        {
            string deviceId = parse.GetValue(id)!, gatewayId = parse.GetValue(gateway)!;
            if (!EntityId.IsValid(deviceId, out string idError)) return CliOutput.Fail($"--id: {idError}", CliOutput.UsageError);
            if (!EntityId.IsValid(gatewayId, out string gatewayError)) return CliOutput.Fail($"--gateway: {gatewayError}", CliOutput.UsageError);
            return await SubmitAndReport(submitter, new DevicesBody.AssignDevice(deviceId, gatewayId), cancel);
        }));
        return command;
    }

    private static Command Revoke()
    {
        var node = NodeOption();
        var from = FromOption();
        var id = new Option<string>("--id") { Description = "the device id", Required = true };
        var command = new Command("revoke", "Revoke a device for good (owner only): from the committing height on, nothing it signs is accepted.") { node, from, id };
        command.SetAction((parse, cancel) => ModuleCommands.Run(parse.GetValue(node)!, parse.GetValue(from)!, async (client, submitter) =>
        {
            string deviceId = parse.GetValue(id)!;
            if (!EntityId.IsValid(deviceId, out string idError)) return CliOutput.Fail($"--id: {idError}", CliOutput.UsageError);
            return await SubmitAndReport(submitter, new DevicesBody.RevokeDevice(deviceId), cancel);
        }));
        return command;
    }

    /// <summary>
    /// `polis device mqtt-password`: the user name and a password for the gateway's broker, valid for
    /// five minutes around now, signed by the device's key for an empty client id (the broker assigns
    /// the device id), so a stock MQTT 5 client can publish: see docs/devices.md.
    /// </summary>
    private static Command MqttPassword()
    {
        var node = NodeOption();
        var id = new Option<string>("--id") { Description = "the device id", Required = true };
        var key = new Option<string>("--device-key") { Description = "the device's key file", Required = true };
        var gateway = new Option<string>("--gateway") { Description = "the gateway's id (a password is for one gateway)", Required = true };
        var command = new Command("mqtt-password", "Print a device's MQTT user name and a password good for 5 minutes (for mosquitto_pub and other stock MQTT 5 clients).") { node, id, key, gateway };
        command.SetAction((parse, cancel) => ModuleCommands.Query(parse.GetValue(node)!, async client =>
        {
            string deviceId = parse.GetValue(id)!, gatewayId = parse.GetValue(gateway)!;
            if (!EntityId.IsValid(deviceId, out string idError)) return CliOutput.Fail($"--id: {idError}", CliOutput.UsageError);
            if (!EntityId.IsValid(gatewayId, out string gatewayError)) return CliOutput.Fail($"--gateway: {gatewayError}", CliOutput.UsageError);
            KeyPair deviceKey;
            try { deviceKey = KeyFile.Load(parse.GetValue(key)!); }
            catch (Exception e) when (e is FormatException or IOException) { return CliOutput.Fail(e.Message); }
            using (deviceKey)
            {
                var status = await client.StatusAsync(cancel);
                var (user, password) = MqttConnectProof.ForDeviceAssignedId(status.ChainId, gatewayId, deviceId, deviceKey, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                Console.WriteLine($"user {user}");
                Console.WriteLine($"password {password}");
                return 0;
            }
        }));
        return command;
    }

    private static Command Show()
    {
        var node = NodeOption();
        var id = new Argument<string>("id") { Description = "the device id" };
        var command = new Command("show", "Show a device: owner, kind, location, current key and key history.") { node, id };
        command.SetAction((parse, cancel) => ModuleCommands.Query(parse.GetValue(node)!, async client =>
        {
            string deviceId = parse.GetValue(id)!;
            if (!EntityId.IsValid(deviceId, out string idError)) return CliOutput.Fail(idError, CliOutput.UsageError);
            var d = await client.DeviceAsync(deviceId, cancel);
            if (d is null) return CliOutput.Fail($"device '{deviceId}' is not registered");
            // A borderless grid with short labels: a 64-digit hex key stays on one line of an 80-column terminal.
            var table = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            table.AddRow("id", Markup.Escape(d.Id));
            table.AddRow("owner", d.Owner);
            table.AddRow("kind", Markup.Escape(d.Kind));
            table.AddRow("location", $"{d.Location.Latitude.ToString(CultureInfo.InvariantCulture)}, {d.Location.Longitude.ToString(CultureInfo.InvariantCulture)}");
            table.AddRow("metadata", Markup.Escape(d.Metadata));
            table.AddRow("key", d.PublicKey);
            table.AddRow("", $"#{d.KeyIndex} since height {d.KeySince}");
            table.AddRow("registered", $"height {d.RegisteredAt}");
            table.AddRow("revoked", d.RevokedAt is { } r ? $"[red]at height {r}[/]" : "no");
            foreach (var k in d.Keys ?? [])
            {
                table.AddRow($"key #{k.Index}", k.PublicKey);
                table.AddRow("", $"heights {k.From}..{(k.Until is { } u ? u.ToString(CultureInfo.InvariantCulture) : "")}");
            }
            table.AddRow("as of", $"height {d.Height}");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var node = NodeOption();
        var owner = new Option<string?>("--owner") { Description = "only devices of this owner (polis1…)" };
        var kind = new Option<string?>("--kind") { Description = "only devices of this kind" };
        var bbox = new Option<string?>("--bbox") { Description = "only devices inside minLat,minLon,maxLat,maxLon (degrees)" };
        var after = new Option<string?>("--after") { Description = "start after this device id (the previous page's last)" };
        var limit = new Option<int>("--limit") { Description = "devices per page (1-1000)", DefaultValueFactory = _ => 50 };
        var command = new Command("list", "List registered devices, filtered and paginated.") { node, owner, kind, bbox, after, limit };
        command.SetAction((parse, cancel) => ModuleCommands.Query(parse.GetValue(node)!, async client =>
        {
            var query = new List<string> { $"limit={parse.GetValue(limit)}" };
            void Add(string name, string? value) { if (value is not null) query.Add($"{name}={Uri.EscapeDataString(value)}"); }
            Add("owner", parse.GetValue(owner));
            Add("kind", parse.GetValue(kind));
            Add("bbox", parse.GetValue(bbox));
            Add("after", parse.GetValue(after));
            var page = await client.DevicesAsync(string.Join('&', query), cancel);
            // Borderless and narrow enough for 80 columns: `device show` has the whole owner and key.
            var table = new Grid();
            for (int c = 0; c < 4; c++) table.AddColumn(new GridColumn().NoWrap());
            table.AddColumn();
            table.AddRow("[bold]id[/]", "[bold]kind[/]", "[bold]owner[/]", "[bold]location[/]", "[bold]key since[/]");
            foreach (var d in page.Devices)
                table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.Kind), d.Owner[..10] + "…",
                    $"{d.Location.Latitude.ToString("0.00000", CultureInfo.InvariantCulture)},{d.Location.Longitude.ToString("0.00000", CultureInfo.InvariantCulture)}",
                    d.KeySince.ToString(CultureInfo.InvariantCulture) + (d.RevokedAt is { } r ? $" [red]revoked {r.ToString(CultureInfo.InvariantCulture)}[/]" : ""));
            AnsiConsole.Write(table);
            Console.WriteLine(page.Next is null ? $"{page.Devices.Count} device(s) at height {page.Height}" : $"more: --after {page.Next}");
            return 0;
        }));
        return command;
    }

    internal static Task<int> SubmitAndReport(TxSubmitter submitter, DevicesBody body, CancellationToken cancel) =>
        ModuleCommands.SubmitAndReport(submitter, DevicesKeys.Module, body.ToBytes(), body.Operation.ToString(), cancel);
}
