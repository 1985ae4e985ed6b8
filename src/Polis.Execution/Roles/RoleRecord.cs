using System.Text;
using Polis.Core.Crypto;

namespace Polis.Execution.Roles;

/// <summary>
/// Roles granted to accounts, one record per (role, account) under <c>role/{role}/</c> + address;
/// present means granted. Modules declare the roles they check (see <see cref="IModule.Roles"/>);
/// the genesis grants the first ones, governance will grant and withdraw them later. Open to any
/// module: a new role is a new name, not a new bit in a shared enum.
/// </summary>
public static class RoleRecord
{
    public const string Prefix = "role/";
    private static readonly byte[] Granted = [1];

    public static byte[] Key(string role, in Address address)
    {
        int nameBytes = Encoding.ASCII.GetByteCount(role);
        var key = new byte[Prefix.Length + nameBytes + 1 + Address.Size];
        Encoding.ASCII.GetBytes(Prefix, key);
        Encoding.ASCII.GetBytes(role, key.AsSpan(Prefix.Length));
        key[Prefix.Length + nameBytes] = (byte)'/';
        address.WriteTo(key.AsSpan(Prefix.Length + nameBytes + 1));
        return key;
    }

    public static bool Has(IStateView state, string role, in Address address) => state.Get(Key(role, address)) is not null;

    public static void Grant(IStateView state, string role, in Address address) => state.Put(Key(role, address), Granted);

    public static void Revoke(IStateView state, string role, in Address address) => state.Delete(Key(role, address));
}
