using System.Diagnostics.CodeAnalysis;
using System.Net;
using Polis.Core.Crypto;

namespace Polis.Network.Peers;

/// <summary>
/// The live links by node key, at most one per key. Pinned keys (the persistent peers configured
/// with their key: the validators) and links this node dialed (its persistent peers) always have
/// room; other inbound links (strangers) share <c>othersMax</c> places, at most
/// <see cref="StrangersPerAddressMax"/> of them from one address (IPv6 by /64).
/// Reads (broadcast, snapshots) take an immutable array without locking; changes are rare and take
/// a lock.
/// </summary>
internal sealed class PeerRegistry(PublicKey self, IReadOnlyCollection<PublicKey>? pinned = null, int othersMax = int.MaxValue)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PublicKey, Peer> _byKey = [];
    private readonly HashSet<PublicKey> _pinned = [.. pinned ?? []];
    /// <summary>The strangers' links, each counted once, with the address it is counted under.</summary>
    private readonly Dictionary<Peer, IPAddress> _strangers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<IPAddress, int> _strangersByAddress = [];

    /// <summary>Established strangers' links from one address: one host with many keys cannot take every place.</summary>
    public const int StrangersPerAddressMax = 4;
    private Peer[] _snapshot = [];

    public bool IsPinned(PublicKey key) => _pinned.Contains(key);

    public IReadOnlyCollection<Peer> Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>
    /// Admits <paramref name="candidate"/> unless a preferred link to the same key exists. When it
    /// replaces one, that one is returned in <paramref name="displaced"/> for the caller to close.
    /// </summary>
    public bool TryAdmit(Peer candidate, out Peer? displaced) => TryAdmit(candidate, out displaced, out _);

    /// <summary>As <see cref="TryAdmit(Peer, out Peer?)"/>; <paramref name="full"/> says a refusal was for want of a place, not a duplicate.</summary>
    public bool TryAdmit(Peer candidate, out Peer? displaced, out bool full)
    {
        lock (_lock)
        {
            displaced = null;
            full = false;
            if (_byKey.TryGetValue(candidate.Key, out var existing))
            {
                if (!DuplicatePolicy.PreferCandidate(existing, candidate, self)) return false;
                displaced = existing;
            }
            bool stranger = !candidate.Outbound && !_pinned.Contains(candidate.Key);
            if (stranger)
            {
                var address = AddressOf(candidate);
                // The link it replaces (same key) gives its place back first.
                int others = _strangers.Count - (displaced is not null && _strangers.ContainsKey(displaced) ? 1 : 0);
                int fromAddress = _strangersByAddress.GetValueOrDefault(address)
                    - (displaced is not null && _strangers.TryGetValue(displaced, out var was) && was.Equals(address) ? 1 : 0);
                if (others >= othersMax || fromAddress >= StrangersPerAddressMax)
                {
                    full = true;
                    displaced = null;
                    return false;
                }
            }
            if (displaced is not null) Uncount(displaced);
            if (stranger)
            {
                var address = AddressOf(candidate);
                _strangers[candidate] = address;
                _strangersByAddress[address] = _strangersByAddress.GetValueOrDefault(address) + 1;
            }
            _byKey[candidate.Key] = candidate;
            Publish();
            return true;
        }
    }

    /// <summary>Removes the link if it is still the registered one for its key.</summary>
    public void Remove(Peer peer)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(peer.Key, out var current) && ReferenceEquals(current, peer))
            {
                _byKey.Remove(peer.Key);
                Uncount(peer);
                Publish();
            }
        }
    }

    public bool TryGet(PublicKey key, [NotNullWhen(true)] out Peer? peer)
    {
        lock (_lock) return _byKey.TryGetValue(key, out peer);
    }

    private void Uncount(Peer peer)
    {
        if (!_strangers.Remove(peer, out var address)) return;
        int left = _strangersByAddress[address] - 1;
        if (left == 0) _strangersByAddress.Remove(address);
        else _strangersByAddress[address] = left;
    }

    /// <summary>IPv4 as itself; IPv6 by its /64; a link without an IP address counts under <see cref="IPAddress.None"/>.</summary>
    private static IPAddress AddressOf(Peer peer) =>
        (peer.RemoteEndPoint as IPEndPoint)?.Address is { } address ? Polis.Core.Net.ClientAddress.GroupOf(address) : IPAddress.None;

    private void Publish() => Volatile.Write(ref _snapshot, [.. _byKey.Values]);
}
