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
    /// <summary>Records one listing request reads at most: past it the page ends early with a cursor, so a filter that matches little costs a bounded read per request, not the whole registry.</summary>
    internal const int ScanBudget = 10 * PageMax;
    /// <summary>Key-history entries one device request returns at most; older ones page with <c>keysBefore</c>.</summary>
    internal const int KeysPageMax = 100;

    public static void Map(IEndpointRouteBuilder routes, IModuleHost host, DevicesModule module)
    {
        // The query parameters are bound (so the document lists them) as text: each is refused with its own message.
        routes.MapGet("", (string? owner, string? kind, string? bbox, string? after, string? limit) => List(host, module, owner, kind, bbox, after, limit))
            .Describe("devices", "List devices", "Registered devices in id order, filtered by owner, kind and a box of latitude,longitude (minLat,minLon,maxLat,maxLon in degrees), a page of at most `limit` (1..1000, default 100). A page ends early, with `next`, after 10,000 records read: ask again with after=next. Rate-limited per address.")
            .Answers<DevicesPage>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(ApiApp.CostlyPolicy);
        routes.MapGet("/{id}", (string id, bool? proof, string? height, string? keysBefore) => Device(host, id, proof ?? false, height, keysBefore))
            .Describe("device", "A device", "Its record at a committed height (default: the latest) with the newest 100 entries of its key history (older ones with keysBefore); ?proof=true adds the record's proof (rate-limited per address).")
            .Answers<DeviceResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(ApiApp.ProofPolicy);
        routes.MapGet("/gateways/{id}", (string id) => Gateway(host, id))
            .Describe("gateway", "A gateway", "A registered gateway: its operator, the account that anchors for it, the next batch number it must anchor.")
            .Answers<GatewayResponse>().Errors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
    }

    private static IResult List(IModuleHost host, DevicesModule module, string? ownerText, string? kind, string? boxText, string? after, string? limitText)
    {
        int limit = 100;
        if (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageMax))
            return ApiResults.BadRequest($"limit must be 1..{PageMax}");
        Address? owner = null;
        if (ownerText is not null)
        {
            if (!Address.TryParse(ownerText, out var address, out string error)) return ApiResults.BadRequest($"owner: {error}");
            owner = address;
        }
        (int MinLat, int MinLon, int MaxLat, int MaxLon)? box = null;
        if (boxText is not null)
        {
            if (!TryParseBox(boxText, out var parsed)) return ApiResults.BadRequest("bbox must be minLat,minLon,maxLat,maxLon in degrees with min <= max");
            box = parsed;
        }
        if (after is not null && !EntityId.IsValid(after, out string afterError)) return ApiResults.BadRequest($"after: {afterError}");

        ulong height = host.CommittedHeight;
        var state = host.StateAt(height);
        var devices = new List<DeviceResponse>();
        string? next = null;
        var index = host.IndexOf(module);
        // The most selective index the filters allow; the others are checked on each record.
        var ids = owner is { } byOwner ? DeviceIndex.ScanOwner(index, byOwner, after)
            : kind is not null ? DeviceIndex.ScanKind(index, kind, after)
            : DeviceIndex.Scan(index, after);
        int read = 0;
        string? lastRead = null;
        foreach (string id in ids)
        {
            if (++read > ScanBudget)
            {
                // The page ends early; the cursor resumes after the last record read (after is exclusive).
                next = lastRead;
                break;
            }
            lastRead = id;
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

    private static IResult Device(IModuleHost host, string id, bool withProof, string? heightText, string? keysBeforeText)
    {
        if (!EntityId.IsValid(id, out string error)) return ApiResults.BadRequest($"device id: {error}");
        if (!ApiResults.TryCommittedHeight(host, heightText, out ulong height, out var heightError)) return heightError!;
        uint? keysBefore = null;
        if (keysBeforeText is not null)
        {
            if (!uint.TryParse(keysBeforeText, NumberStyles.None, CultureInfo.InvariantCulture, out uint before)) return ApiResults.BadRequest("keysBefore must be a key index");
            keysBefore = before;
        }
        var state = host.StateAt(height);
        var record = DevicesStore.Device(state, id);
        if (record is null) return ApiResults.NotFound($"device '{id}' is not registered (height {height})");
        // The newest keys first in a page of at most KeysPageMax: a device rotated a million times costs a page, not its whole history.
        long end = Math.Min((long)record.KeyIndex + 1, keysBefore ?? long.MaxValue);
        long start = Math.Max(0, end - KeysPageMax);
        var keys = new List<DeviceKeyResponse>((int)(end - start));
        for (long i = start; i < end; i++)
        {
            var k = DevicesStore.Key(state, id, (uint)i);
            if (k is not null) keys.Add(new DeviceKeyResponse((uint)i, k.Key.ToString(), k.From, k.Until == 0 ? null : k.Until) { UntilMs = k.Until == 0 ? null : k.UntilMs });
        }
        return Results.Ok(ToResponse(record, height, keys, withProof ? ApiResults.Prove(host, DevicesKeys.Device(id), height) : null) with
        {
            KeysBefore = start > 0 ? (uint)start : null,
        });
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
            d.Metadata, d.Key.ToString(), d.KeyIndex, d.KeySince, d.RegisteredAt, d.IsRevoked ? d.RevokedAt : null, height, keys, proof)
        {
            Gateway = d.Gateway,
            GatewaySinceMs = d.Gateway.Length == 0 ? null : d.GatewaySinceMs,
            PreviousGateway = d.PreviousGateway.Length == 0 ? null : d.PreviousGateway,
        };
}
