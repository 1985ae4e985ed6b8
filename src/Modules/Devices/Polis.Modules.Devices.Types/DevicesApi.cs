using Polis.Client.Api;

namespace Polis.Modules.Devices;

public sealed record LocationResponse(double Latitude, double Longitude, int LatitudeMicro, int LongitudeMicro);
public sealed record DeviceKeyResponse(uint Index, string PublicKey, ulong From, ulong? Until)
{
    /// <summary>The time of the block that rotated the key out (with <see cref="Until"/>).</summary>
    public long? UntilMs { get; init; }
}

/// <summary>A device as of <paramref name="Height"/>; <paramref name="Proof"/> (on request) proves its record under that height's state root.</summary>
public sealed record DeviceResponse(
    string Id, string Owner, string Kind, LocationResponse Location, string Metadata, string PublicKey, uint KeyIndex, ulong KeySince,
    ulong RegisteredAt, ulong? RevokedAt, ulong Height, IReadOnlyList<DeviceKeyResponse>? Keys, StateProofResponse? Proof)
{
    /// <summary>When <see cref="Keys"/> is not the whole history: ask again with <c>keysBefore</c> = this for the older keys.</summary>
    public uint? KeysBefore { get; init; }

    /// <summary>The gateway the device's readings go through (empty: none yet).</summary>
    public string? Gateway { get; init; }
    /// <summary>The time of the block that assigned <see cref="Gateway"/>: readings taken before it are not this gateway's.</summary>
    public long? GatewaySinceMs { get; init; }
    /// <summary>The gateway before <see cref="Gateway"/>, which may still anchor readings taken before the reassignment for an hour.</summary>
    public string? PreviousGateway { get; init; }
}

public sealed record DevicesPage(ulong Height, IReadOnlyList<DeviceResponse> Devices, string? Next);

public sealed record GatewayResponse(string Id, string Operator, string Account, ulong RegisteredAt, ulong NextBatch, ulong? RevokedAt, ulong Height);

/// <summary>The Devices module's routes (and a gateway's proof route) for a <see cref="NodeClient"/>.</summary>
public static class DevicesApi
{
    public static Task<DeviceResponse?> DeviceAsync(this NodeClient client, string id, CancellationToken cancel = default) =>
        client.FindAsync<DeviceResponse>($"v1/{DevicesKeys.Name}/{Uri.EscapeDataString(id)}", cancel);

    /// <summary>A page of devices; <paramref name="query"/> is the URL query (owner, kind, bbox, after, limit).</summary>
    public static Task<DevicesPage> DevicesAsync(this NodeClient client, string query, CancellationToken cancel = default) =>
        client.GetAsync<DevicesPage>($"v1/{DevicesKeys.Name}?{query}", cancel);

    public static Task<GatewayResponse?> GatewayAsync(this NodeClient client, string id, CancellationToken cancel = default) =>
        client.FindAsync<GatewayResponse>($"v1/{DevicesKeys.Name}/gateways/{Uri.EscapeDataString(id)}", cancel);

    /// <summary>The proof document of a reading from a gateway's API, or null when the gateway has none (unknown, or not anchored yet).</summary>
    public static Task<byte[]?> ReadingProofAsync(this NodeClient client, string deviceId, ulong sequence, CancellationToken cancel = default) =>
        client.GetBytesAsync($"v1/readings/{Uri.EscapeDataString(deviceId)}/{sequence}/proof", cancel);
}
