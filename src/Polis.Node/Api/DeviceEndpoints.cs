using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Polis.City.Devices;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Execution;
using Polis.Core.Proofs;

namespace Polis.Node.Api;

/// <summary>Read endpoints of the devices registry: devices (filtered, paginated), one device with its key history, gateways, and raw state proofs.</summary>
internal static class DeviceEndpoints
{
    private const int PageMax = 1_000;
    private const int StateKeyBytesMax = 256;

    public static void Map(WebApplication app, PolisNode node)
    {
        app.MapGet("/v1/devices", (HttpContext context) => List(node, context.Request.Query)).WithName("devices");
        app.MapGet("/v1/devices/{id}", (string id, bool? proof, string? height) => Device(node, id, proof ?? false, height)).WithName("device");
        app.MapGet("/v1/gateways/{id}", (string id) => Gateway(node, id)).WithName("gateway");
        app.MapGet("/v1/state/{key}", (string key, string? height) => State(node, key, height)).WithName("stateProof");
    }

    private static IResult List(PolisNode node, IQueryCollection query)
    {
        int limit = 100;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageMax))
            return ApiServer.BadRequest($"limit must be 1..{PageMax}");
        Address? owner = null;
        if (query.TryGetValue("owner", out var ownerText))
        {
            if (!Address.TryParse(ownerText.ToString(), out var address, out string error)) return ApiServer.BadRequest($"owner: {error}");
            owner = address;
        }
        string? kind = query.TryGetValue("kind", out var kindText) ? kindText.ToString() : null;
        (int MinLat, int MinLon, int MaxLat, int MaxLon)? box = null;
        if (query.TryGetValue("bbox", out var boxText))
        {
            if (!TryParseBox(boxText.ToString(), out var parsed)) return ApiServer.BadRequest("bbox must be minLat,minLon,maxLat,maxLon in degrees with min <= max");
            box = parsed;
        }
        string? after = query.TryGetValue("after", out var afterText) ? afterText.ToString() : null;
        if (after is not null && !EntityId.IsValid(after, out string afterError)) return ApiServer.BadRequest($"after: {afterError}");

        ulong height = node.CommittedHeight;
        var state = node.StateAt(height);
        var devices = new List<DeviceResponse>();
        string? next = null;
        foreach (string id in node.Devices.Scan(after))
        {
            var record = DeviceRecord.Load(state, id);
            if (record is null) continue;
            if (owner is { } o && record.Owner != o) continue;
            if (kind is not null && record.KindName != kind) continue;
            if (box is { } b && (record.Location.LatitudeMicro < b.MinLat || record.Location.LatitudeMicro > b.MaxLat
                || record.Location.LongitudeMicro < b.MinLon || record.Location.LongitudeMicro > b.MaxLon)) continue;
            if (devices.Count == limit)
            {
                next = devices[^1].Id;
                break;
            }
            devices.Add(ToResponse(record, height, null, null));
        }
        return Results.Ok(new DevicesPage(height, devices, next));
    }

    private static bool TryParseBox(string text, out (int, int, int, int) box)
    {
        box = default;
        var parts = text.Split(',');
        if (parts.Length != 4) return false;
        var micro = new int[4];
        for (int i = 0; i < 4; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double degrees) || !double.IsFinite(degrees)) return false;
            if (Math.Abs(degrees) > 180) return false;
            micro[i] = (int)Math.Round(degrees * 1e6);
        }
        if (micro[0] > micro[2] || micro[1] > micro[3]) return false;
        box = (micro[0], micro[1], micro[2], micro[3]);
        return true;
    }

    private static IResult Device(PolisNode node, string id, bool withProof, string? heightText)
    {
        if (!EntityId.IsValid(id, out string error)) return ApiServer.BadRequest($"device id: {error}");
        if (!TryHeight(node, heightText, out ulong height, out var heightError)) return heightError!;
        var state = node.StateAt(height);
        var record = DeviceRecord.Load(state, id);
        if (record is null) return ApiServer.NotFound($"device '{id}' is not registered (height {height})");
        var keys = new List<DeviceKeyResponse>();
        for (uint i = 0; i <= record.KeyIndex; i++)
        {
            var k = DeviceKeyRecord.Load(state, id, i);
            if (k is not null) keys.Add(new DeviceKeyResponse(i, k.Key.ToString(), k.From, k.Until == 0 ? null : k.Until));
        }
        return Results.Ok(ToResponse(record, height, keys, withProof ? Prove(node, StateKeys.Device(id), height) : null));
    }

    private static IResult Gateway(PolisNode node, string id)
    {
        if (!EntityId.IsValid(id, out string error)) return ApiServer.BadRequest($"gateway id: {error}");
        ulong height = node.CommittedHeight;
        var record = GatewayRecord.Load(node.StateAt(height), id);
        if (record is null) return ApiServer.NotFound($"gateway '{id}' is not registered (height {height})");
        return Results.Ok(new GatewayResponse(record.Id, record.Operator.ToString(), record.Account.ToString(), record.RegisteredAt, record.NextBatch,
            record.IsRevoked ? record.RevokedAt : null, height));
    }

    private static IResult State(PolisNode node, string keyHex, string? heightText)
    {
        if (keyHex.Length == 0 || keyHex.Length > 2 * StateKeyBytesMax || keyHex.Length % 2 != 0) return ApiServer.BadRequest($"key must be 1..{StateKeyBytesMax} bytes in hex");
        byte[] key;
        try { key = Convert.FromHexString(keyHex); }
        catch (FormatException) { return ApiServer.BadRequest("key is not hex"); }
        if (!TryHeight(node, heightText, out ulong height, out var error)) return error!;
        return Results.Ok(Prove(node, key, height));
    }

    private static StateProofResponse Prove(PolisNode node, byte[] key, ulong height)
    {
        var value = node.StateAt(height).Get(key);
        var proof = node.StateTree.Prove(key, height);
        return new StateProofResponse(height, node.StateTree.RootAt(height).ToString(), Convert.ToHexStringLower(key),
            value is null ? null : Convert.ToHexStringLower(value), Convert.ToHexStringLower(proof.ToBytes()));
    }

    /// <summary>The height asked for (default: the latest committed), which must be committed already.</summary>
    private static bool TryHeight(PolisNode node, string? text, out ulong height, out IResult? error)
    {
        height = node.CommittedHeight;
        error = null;
        if (text is null) return true;
        if (!ApiServer.TryParseHeight(text, out height, out error)) return false;
        if (height > node.CommittedHeight)
        {
            error = ApiServer.NotFound($"height {height} is not committed yet (latest is {node.CommittedHeight})");
            return false;
        }
        return true;
    }

    private static DeviceResponse ToResponse(DeviceRecord d, ulong height, IReadOnlyList<DeviceKeyResponse>? keys, StateProofResponse? proof) =>
        new(d.Id, d.Owner.ToString(), d.KindName, new LocationResponse(d.Location.Latitude, d.Location.Longitude, d.Location.LatitudeMicro, d.Location.LongitudeMicro),
            d.Metadata, d.Key.ToString(), d.KeyIndex, d.KeySince, d.RegisteredAt, d.IsRevoked ? d.RevokedAt : null, height, keys, proof);
}
