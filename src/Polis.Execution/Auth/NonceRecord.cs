using System.Buffers.Binary;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Execution.Auth;

/// <summary>
/// An account's next nonce, in state under <c>nonce/</c> + address (absent: 0). The executor owns
/// it, not a module: every transaction of every module consumes one, so a signed transaction can
/// be included once at most. Balances are the Accounts module's, in records of their own.
/// </summary>
public static class NonceRecord
{
    public const string Prefix = "nonce/";
    private static readonly byte[] KeyPrefix = "nonce/"u8.ToArray();

    public static byte[] Key(in Address address)
    {
        var key = new byte[KeyPrefix.Length + Address.Size];
        KeyPrefix.CopyTo(key, 0);
        address.WriteTo(key.AsSpan(KeyPrefix.Length));
        return key;
    }

    public static ulong Load(IStateView state, in Address address) => LoadAt(state, Key(address));

    /// <summary>The nonce under <paramref name="key"/> (from <see cref="Key"/>), so a caller that also writes it builds the key once.</summary>
    public static ulong LoadAt(IStateView state, byte[] key)
    {
        var bytes = state.Get(key);
        if (bytes is null) return 0;
        if (bytes.Length != 8) throw new CodecException($"nonce record {Convert.ToHexStringLower(key)} is {bytes.Length} bytes, not 8");
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    public static void Store(IStateView state, in Address address, ulong nonce) => StoreAt(state, Key(address), nonce);

    public static void StoreAt(IStateView state, byte[] key, ulong nonce)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, nonce);
        state.Put(key, bytes);
    }
}
