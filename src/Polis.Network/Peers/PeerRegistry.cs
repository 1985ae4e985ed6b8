using System.Diagnostics.CodeAnalysis;
using Polis.Core.Crypto;

namespace Polis.Network.Peers;

/// <summary>
/// The live links by node key, at most one per key. Pinned keys (the persistent peers configured
/// with their key: the validators) always have room; other keys share <c>othersMax</c> places.
/// Reads (broadcast, snapshots) take an immutable array without locking; changes are rare and take
/// a lock.
/// </summary>
internal sealed class PeerRegistry(PublicKey self, IReadOnlyCollection<PublicKey>? pinned = null, int othersMax = int.MaxValue)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<PublicKey, Peer> _byKey = [];
    private readonly HashSet<PublicKey> _pinned = [.. pinned ?? []];
    private int _others;
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
            else if (!_pinned.Contains(candidate.Key))
            {
                if (_others >= othersMax)
                {
                    full = true;
                    return false;
                }
                _others++;
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
                if (!_pinned.Contains(peer.Key)) _others--;
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
