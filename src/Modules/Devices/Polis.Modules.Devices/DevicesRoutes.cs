using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Polis.Client.Api;
using Polis.Core.Crypto;
using Polis.Modules.Http;

namespace Polis.Modules.Devices;

/// <summary>The module's read routes under <c>/v1/devices</c>: devices (filtered, paginated), one device with its key history and an optional proof, gateways.</summary>
internal static class DevicesRoutes
{
    private const int PageMax = 1_000;

    public static void Map(IEndpointRouteBuilder routes, IModuleHost host, DevicesModule module)
    {
        routes.MapGet("", (HttpContext context) => List(host, module, context.Request.Query)).WithName("devices");
        routes.MapGet("/{id}", (string id, bool? proof, string? height) => Device(host, id, proof ?? false, height)).WithName("device");
        routes.MapGet("/gateways/{id}", (string id) => Gateway(host, id)).WithName("gateway");
    }

    private static IResult List(IModuleHost host, DevicesModule module, IQueryCollection query)
    {
        int limit = 100;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageMax))
            return ApiResults.BadRequest($"limit must be 1..{PageMax}");
        Address? owner = null;
        if (query.TryGetValue("owner", out var ownerText))
        {
            if (!Address.TryParse(ownerText.ToString(), out var address, out string error)) return ApiResults.BadRequest($"owner: {error}");
            owner = address;
        }
        string? kind = query.TryGetValue("kind", out var kindText) ? kindText.ToString() : null;
        (int MinLat, int MinLon, int MaxLat, int MaxLon)? box = null;
        if (query.TryGetValue("bbox", out var boxText))
        {
            if (!TryParseBox(boxText.ToString(), out var parsed)) return ApiResults.BadRequest("bbox must be minLat,minLon,maxLat,maxLon in degrees with min <= max");
            box = parsed;
        }
        string? after = query.TryGetValue("after", out var afterText) ? afterText.ToString() : null;
        if (after is not null && !EntityId.IsValid(after, out string afterError)) return ApiResults.BadRequest($"after: {afterError}");

        ulong height = host.CommittedHeight;
        var state = host.StateAt(height);
        var devices = new List<DeviceResponse>();
        string? next = null;
        foreach (string id in DeviceIndex.Scan(host.IndexOf(module), after))
        {
            var record = DevicesStore.Device(state, id);
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

    private static IResult Device(IModuleHost host, string id, bool withProof, string? heightText)
    {
        if (!EntityId.IsValid(id, out string error)) return ApiResults.BadRequest($"device id: {error}");
        if (!ApiResults.TryCommittedHeight(host, heightText, out ulong height, out var heightError)) return heightError!;
        var state = host.StateAt(height);
        var record = DevicesStore.Device(state, id);
        if (record is null) return ApiResults.NotFound($"device '{id}' is not registered (height {height})");
        var keys = new List<DeviceKeyResponse>();
        for (uint i = 0; i <= record.KeyIndex; i++)
        {
            var k = DevicesStore.Key(state, id, i);
            if (k is not null) keys.Add(new DeviceKeyResponse(i, k.Key.ToString(), k.From, k.Until == 0 ? null : k.Until));
        }
        return Results.Ok(ToResponse(record, height, keys, withProof ? ApiResults.Prove(host, DevicesKeys.Device(id), height) : null));
    }

    private static IResult Gateway(IModuleHost host, string id)
    {
        if (!EntityId.IsValid(id, out string error)) return ApiResults.BadRequest($"gateway id: {error}");
        ulong height = host.CommittedHeight;
        var record = DevicesStore.Gateway(host.StateAt(height), id);
        if (record is null) return ApiResults.NotFound($"gateway '{id}' is not registered (height {height})");
        return Results.Ok(new GatewayResponse(record.Id, record.Operator.ToString(), record.Account.ToString(), record.RegisteredAt, record.NextBatch,
            record.IsRevoked ? record.RevokedAt : null, height));
    }

    private static DeviceResponse ToResponse(DeviceRecord d, ulong height, IReadOnlyList<DeviceKeyResponse>? keys, StateProofResponse? proof) =>
        new(d.Id, d.Owner.ToString(), d.KindName, new LocationResponse(d.Location.Latitude, d.Location.Longitude, d.Location.LatitudeMicro, d.Location.LongitudeMicro),
            d.Metadata, d.Key.ToString(), d.KeyIndex, d.KeySince, d.RegisteredAt, d.IsRevoked ? d.RevokedAt : null, height, keys, proof);
}
