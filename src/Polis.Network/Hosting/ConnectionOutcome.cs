using Polis.Core.Crypto;

namespace Polis.Network.Hosting;

/// <summary>How one connection ended, for the dialer's next decision.</summary>
/// <param name="PeerKey">The authenticated key, if the handshake got that far.</param>
/// <param name="Admitted">It became a live link (not refused as a duplicate).</param>
/// <param name="SelfConnection">The address leads back to this node.</param>
/// <param name="Uptime">How long the link was live.</param>
internal readonly record struct ConnectionOutcome(PublicKey? PeerKey, bool Admitted, bool SelfConnection, TimeSpan Uptime)
{
    public static ConnectionOutcome Failed => default;
}
