using System.Text;
using Polis.Modules.Indexing;

namespace Polis.Modules.Devices;

/// <summary>
/// The ids of registered devices in id order, for listing: state keys are hashed, so the state tree
/// cannot be scanned by prefix. Kept in the module's node-side index (key: the id in ASCII), staged
/// from each block's <c>device-registered</c> events into the batch that commits the block, so it
/// never disagrees with state.
/// </summary>
internal static class DeviceIndex
{
    public static void Stage(CommittedBlock block, IIndexWriter index)
    {
        foreach (var result in block.Outcome.Results)
            foreach (var e in result.Events)
                if (e.Module == DevicesKeys.Module && e.Type == DevicesEvents.Registered.TypeName)
                    index.Put(Key(((DevicesEvents.Registered)DevicesEvents.Decode(e.Type, e.Data)).DeviceId), []);
    }

    /// <summary>Device ids after <paramref name="after"/> (exclusive; null: from the start), in id order, read lazily.</summary>
    public static IEnumerable<string> Scan(IIndexReader index, string? after)
    {
        foreach (var (key, _) in index.From(after is null ? [] : Key(after)))
        {
            string id = Encoding.ASCII.GetString(key);
            if (after is null || string.CompareOrdinal(id, after) > 0) yield return id;
        }
    }

    private static byte[] Key(string deviceId) => Encoding.ASCII.GetBytes(deviceId);
}
