namespace Polis.Gateway;

/// <summary>
/// <c>GET /v1/gateway</c>: the gateway's id, chain and account, readings accepted so far (and how
/// many wait for a batch), batches sealed and anchored, and its MQTT endpoint.
/// </summary>
public sealed record GatewayStatusResponse(string Id, string ChainId, string Account, ulong ReadingsAccepted, ulong ReadingsUnsealed,
    ulong BatchesSealed, ulong BatchesAnchored, string? Mqtt);
