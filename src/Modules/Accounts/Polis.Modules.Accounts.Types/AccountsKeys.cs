using System.Buffers.Binary;
using Polis.Core.Crypto;
using Polis.Core.Ledger;

namespace Polis.Modules.Accounts;

/// <summary>
/// The Accounts module's identity and where it keeps balances: one record per (asset, address)
/// under <c>bal/</c> + asset (u32, big-endian) + address, so an assets module adds assets without
/// touching accounts. The native asset, CITY, is asset 0. Nonces are the executor's, not ours.
/// </summary>
public static class AccountsKeys
{
    public static readonly ModuleId Module = new(1);
    public const string Name = "accounts";
    public const string BalancePrefix = "bal/";
    /// <summary>CITY, the chain's native asset.</summary>
    public const uint NativeAsset = 0;

    private static readonly byte[] BalancePrefixBytes = "bal/"u8.ToArray();

    public static byte[] Balance(uint asset, in Address address)
    {
        var key = new byte[BalancePrefixBytes.Length + 4 + Address.Size];
        BalancePrefixBytes.CopyTo(key, 0);
        BinaryPrimitives.WriteUInt32BigEndian(key.AsSpan(BalancePrefixBytes.Length), asset);
        address.WriteTo(key.AsSpan(BalancePrefixBytes.Length + 4));
        return key;
    }
}
