using System.Text;
using Polis.Core.Crypto;
using Polis.Modules.Indexing;

namespace Polis.Modules.Devices;

/// <summary>
/// The ids of registered devices in id order, for listing: state keys are hashed, so the state tree
/// cannot be scanned by prefix. Kept in the module's node-side index, staged from each block's
/// <c>device-registered</c> events into the batch that commits the block, so it never disagrees
/// with state. Three sets of keys: the id alone (ASCII, whose first byte is at least '-'), and the
/// id under its owner (0x01, owner, id) and under its kind (0x02, kind, 0x00, id), so a filter by
/// owner or kind reads only its own devices instead of scanning them all. A device's owner and
/// kind never change.
/// </summary>
internal static class DeviceIndex
{
    private const byte ByOwner = 0x01, ByKind = 0x02;
    /// <summary>The smallest byte an id may start with ('-'): every key of the plain id set sorts from here.</summary>
    private static readonly byte[] IdsStart = [(byte)'-'];

    public static void Stage(CommittedBlock block, IIndexWriter index)
    {
        foreach (var result in block.Outcome.Results)
            foreach (var e in result.Events)
                if (e.Module == DevicesKeys.Module && e.Type == DevicesEvents.Registered.TypeName)
                {
                    var registered = (DevicesEvents.Registered)DevicesEvents.Decode(e.Type, e.Data);
                    index.Put(Key(registered.DeviceId), []);
                    index.Put([.. OwnerPrefix(registered.Owner), .. Key(registered.DeviceId)], []);
                    index.Put([.. KindPrefix(registered.KindName), .. Key(registered.DeviceId)], []);
                }
    }

    /// <summary>Device ids after <paramref name="after"/> (exclusive; null: from the start), in id order, read lazily.</summary>
    public static IEnumerable<string> Scan(IIndexReader index, string? after) => ScanUnder(index, [], after);

    /// <summary>The ids of <paramref name="owner"/>'s devices after <paramref name="after"/>, in id order.</summary>
    public static IEnumerable<string> ScanOwner(IIndexReader index, Address owner, string? after) => ScanUnder(index, OwnerPrefix(owner), after);

    /// <summary>The ids of the devices of <paramref name="kind"/> after <paramref name="after"/>, in id order.</summary>
    public static IEnumerable<string> ScanKind(IIndexReader index, string kind, string? after) => ScanUnder(index, KindPrefix(kind), after);

    private static IEnumerable<string> ScanUnder(IIndexReader index, byte[] prefix, string? after)
    {
        byte[] from = after is not null ? [.. prefix, .. Key(after)] : prefix.Length > 0 ? prefix : IdsStart;
        foreach (var (key, _) in index.From(from))
        {
            if (!key.AsSpan().StartsWith(prefix)) yield break;
            if (prefix.Length == 0 && key[0] < IdsStart[0]) yield break;
            string id = Encoding.ASCII.GetString(key, prefix.Length, key.Length - prefix.Length);
            if (after is null || string.CompareOrdinal(id, after) > 0) yield return id;
        }
    }

    private static byte[] Key(string deviceId) => Encoding.ASCII.GetBytes(deviceId);

    private static byte[] OwnerPrefix(Address owner)
    {
        var prefix = new byte[1 + Address.Size];
        prefix[0] = ByOwner;
        owner.WriteTo(prefix.AsSpan(1));
        return prefix;
    }

    /// <summary>Kind names are ASCII without a 0 byte (the module checks them), so 0x00 ends one.</summary>
    private static byte[] KindPrefix(string kind) => [ByKind, .. Encoding.UTF8.GetBytes(kind), 0x00];
}
