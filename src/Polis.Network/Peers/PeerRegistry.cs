using System.Diagnostics.CodeAnalysis;
using Polis.Core.Crypto;

namespace Polis.Network.Peers;

/// <summary>
/// The live links by node key, at most one per key. Reads (broadcast, snapshots) take an immutable
/// array without locking; changes are rare and take a lock.
/// </summary>
internal sealed class PeerRegistry(PublicKey self)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PublicKey, Peer> _byKey = [];
    private Peer[] _snapshot = [];

    public IReadOnlyCollection<Peer> Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>
    /// Admits <paramref name="candidate"/> unless a preferred link to the same key exists. When it
    /// replaces one, that one is returned in <paramref name="displaced"/> for the caller to close.
    /// </summary>
    public bool TryAdmit(Peer candidate, out Peer? displaced)
    {
        lock (_lock)
        {
            displaced = null;
            if (_byKey.TryGetValue(candidate.Key, out var existing))
            {
                if (!DuplicatePolicy.PreferCandidate(existing, candidate, self)) return false;
                displaced = existing;
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
                Publish();
            }
        }
    }

    public bool TryGet(PublicKey key, [NotNullWhen(true)] out Peer? peer)
    {
        lock (_lock) return _byKey.TryGetValue(key, out peer);
    }

    private void Publish() => Volatile.Write(ref _snapshot, [.. _byKey.Values]);
}
