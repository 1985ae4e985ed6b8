using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Execution.Accounts;

/// <summary>An account in state: the next nonce it must use and its balance of the native asset CITY.</summary>
public sealed record AccountRecord(ulong Nonce, ulong Balance)
{
    public const int EncodedSize = 16;
    private static readonly byte[] KeyPrefix = "acct/"u8.ToArray();

    public static readonly AccountRecord Empty = new(0, 0);

    public static byte[] Key(in Address address)
    {
        var key = new byte[KeyPrefix.Length + Address.Size];
        KeyPrefix.CopyTo(key, 0);
        address.WriteTo(key.AsSpan(KeyPrefix.Length));
        return key;
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(EncodedSize);
        w.WriteU64(Nonce);
        w.WriteU64(Balance);
        return w.ToArray();
    }

    public static AccountRecord Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        var record = new AccountRecord(r.ReadU64("nonce"), r.ReadU64("balance"));
        r.End("account record");
        return record;
    }

    public static AccountRecord Load(IStateView state, in Address address)
    {
        var bytes = state.Get(Key(address));
        return bytes is null ? Empty : Decode(bytes);
    }

    public void Store(IStateView state, in Address address) => state.Put(Key(address), ToBytes());
}
