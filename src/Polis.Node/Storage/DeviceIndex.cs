using System.Text;
using Polis.City.Devices;
using Polis.Core.Ledger;
using Polis.Execution;
using Polis.State.Storage;
using RocksDbSharp;

namespace Polis.Node.Storage;

/// <summary>
/// The ids of registered devices in id order (<c>V|deviceId</c>), for listing: state keys are
/// hashed, so the state tree cannot be scanned by prefix. Written in the same batch as the height
/// that registered the device, so it never disagrees with state.
/// </summary>
public sealed class DeviceIndex(RocksDbStateStorage storage)
{
    private const byte Prefix = (byte)'V';

    /// <summary>Device ids whose record the block's successful devices transactions changed, in block order, each once.</summary>
    public static IReadOnlyList<string> ChangedDevices(Block block, IReadOnlyList<TxResult> results)
    {
        List<string>? changed = null;
        for (int i = 0; i < results.Count && i < block.Transactions.Count; i++)
        {
            var tx = block.Transactions[i];
            if (tx.Module != ModuleId.Devices || !results[i].IsOk) continue;
            string? id = DevicesBody.Decode(tx.Body) switch
            {
                DevicesBody.RegisterDevice b => b.DeviceId,
                DevicesBody.RotateDeviceKey b => b.DeviceId,
                DevicesBody.RevokeDevice b => b.DeviceId,
                _ => null,
            };
            if (id is null) continue;
            changed ??= [];
            if (!changed.Contains(id)) changed.Add(id);
        }
        return changed ?? (IReadOnlyList<string>)[];
    }

    public void Stage(Block block, IReadOnlyList<TxResult> results)
    {
        for (int i = 0; i < results.Count; i++)
        {
            var tx = block.Transactions[i];
            if (tx.Module != ModuleId.Devices || !results[i].IsOk) continue;
            if (DevicesBody.Decode(tx.Body) is DevicesBody.RegisterDevice b) storage.StageWrite(Key(b.DeviceId), []);
        }
    }

    /// <summary>Device ids after <paramref name="after"/> (exclusive; null: from the start), in id order, read lazily.</summary>
    public IEnumerable<string> Scan(string? after)
    {
        using var iterator = storage.Database.NewIterator();
        var start = after is null ? new[] { Prefix, (byte)'|' } : Key(after);
        iterator.Seek(start);
        while (iterator.Valid())
        {
            var key = iterator.Key();
            if (key.Length < 2 || key[0] != Prefix || key[1] != (byte)'|') yield break;
            string id = Encoding.ASCII.GetString(key, 2, key.Length - 2);
            if (after is null || string.CompareOrdinal(id, after) > 0) yield return id;
            iterator.Next();
        }
    }

    private static byte[] Key(string deviceId)
    {
        var key = new byte[2 + deviceId.Length];
        key[0] = Prefix;
        key[1] = (byte)'|';
        Encoding.ASCII.GetBytes(deviceId, key.AsSpan(2));
        return key;
    }
}
