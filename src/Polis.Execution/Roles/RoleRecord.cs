using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Execution.Roles;

/// <summary>The roles of one account, in state under <c>role/</c> + address. Absent means none.</summary>
public static class RoleRecord
{
    private static readonly byte[] KeyPrefix = "role/"u8.ToArray();

    public static byte[] Key(in Address address)
    {
        var key = new byte[KeyPrefix.Length + Address.Size];
        KeyPrefix.CopyTo(key, 0);
        address.WriteTo(key.AsSpan(KeyPrefix.Length));
        return key;
    }

    public static AccountRoles Load(IStateView state, in Address address)
    {
        var bytes = state.Get(Key(address));
        if (bytes is null) return AccountRoles.None;
        var r = new CanonicalReader(bytes);
        var roles = (AccountRoles)r.ReadU32("roles");
        r.End("role record");
        return roles;
    }

    public static void Store(IStateView state, in Address address, AccountRoles roles)
    {
        var w = new CanonicalWriter(4);
        w.WriteU32((uint)roles);
        state.Put(Key(address), w.ToArray());
    }

    /// <summary>Parses a role's name as used in genesis files and on the command line ("device-owner", "gateway-operator").</summary>
    public static bool TryParse(string name, out AccountRoles role)
    {
        role = name switch
        {
            "device-owner" => AccountRoles.DeviceOwner,
            "gateway-operator" => AccountRoles.GatewayOperator,
            _ => AccountRoles.None,
        };
        return role != AccountRoles.None;
    }

    public static IEnumerable<string> Names(AccountRoles roles)
    {
        if (roles.HasFlag(AccountRoles.DeviceOwner)) yield return "device-owner";
        if (roles.HasFlag(AccountRoles.GatewayOperator)) yield return "gateway-operator";
    }
}
