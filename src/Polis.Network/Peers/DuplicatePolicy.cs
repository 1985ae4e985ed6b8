using Polis.Core.Crypto;

namespace Polis.Network.Peers;

/// <summary>
/// Picks which of two links to the same node survives. Both nodes must reach the same answer
/// without talking, or each might close the link the other kept.
/// </summary>
internal static class DuplicatePolicy
{
    /// <summary>
    /// True if <paramref name="candidate"/> should replace <paramref name="existing"/>:
    /// a closing link always yields; links with different dialers keep the one dialed by the lower
    /// public key (both sides compare the same two keys); links from the same dialer keep the newer
    /// one, since the dialer only redials after it lost the old one (e.g. it restarted).
    /// </summary>
    public static bool PreferCandidate(Peer existing, Peer candidate, PublicKey self)
    {
        if (!existing.IsConnected) return true;
        var existingDialer = existing.Outbound ? self : existing.Key;
        var candidateDialer = candidate.Outbound ? self : candidate.Key;
        if (existingDialer.Equals(candidateDialer)) return true;
        return candidateDialer.Bytes.SequenceCompareTo(existingDialer.Bytes) < 0;
    }
}
