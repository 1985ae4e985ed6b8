using System.Text.Json.Serialization;
using Polis.Core.Crypto;
using Polis.Core.Encoding;

namespace Polis.Modules.Accounts;

/// <summary>
/// The Accounts section of the genesis: the first balances of CITY. In the genesis file it is
/// <c>modules.accounts</c> = <c>{"balances": [{"address": "polis1…", "amount": 1000}]}</c>; on chain
/// its canonical encoding is a count and (address, amount) pairs, each address once.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AccountsGenesis
{
    public const int BalancesMax = 100_000;

    [JsonPropertyName("balances")] public List<GenesisBalance> Balances { get; set; } = [];

    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed class GenesisBalance
    {
        [JsonPropertyName("address")] public string Address { get; set; } = "";
        [JsonPropertyName("amount")] public ulong Amount { get; set; }
    }

    public void Add(Address address, ulong amount) => Balances.Add(new GenesisBalance { Address = address.ToString(), Amount = amount });

    /// <summary>The canonical section; a <see cref="FormatException"/> names the first bad entry.</summary>
    public byte[] ToSection()
    {
        if (Balances is null) throw new FormatException("balances is null (give a list)");
        var parsed = new List<(Address, ulong)>(Balances.Count);
        foreach (var b in Balances)
        {
            if (b?.Address is null) throw new FormatException("a genesis balance is null or lacks an address");
            if (!Polis.Core.Crypto.Address.TryParse(b.Address, out var address, out string error)) throw new FormatException($"balance address '{b.Address}': {error}");
            parsed.Add((address, b.Amount));
        }
        return Encode(parsed);
    }

    public static byte[] Encode(IReadOnlyList<(Address Address, ulong Amount)> balances)
    {
        if (balances.Count > BalancesMax) throw new FormatException($"more than {BalancesMax} genesis balances");
        var seen = new HashSet<Address>();
        var w = new CanonicalWriter(4 + balances.Count * (Address.Size + 8));
        w.WriteCount(balances.Count);
        foreach (var (address, amount) in balances)
        {
            if (!seen.Add(address)) throw new FormatException($"address {address} has two genesis balances");
            w.WriteAddress(address);
            w.WriteU64(amount);
        }
        return w.ToArray();
    }

    /// <summary>Reads the canonical section, checking bounds before it allocates and each address once.</summary>
    public static (Address Address, ulong Amount)[] Decode(ReadOnlySpan<byte> section)
    {
        var r = new CanonicalReader(section);
        int n = r.ReadCount(BalancesMax, Address.Size + 8, "genesis balances");
        var balances = new (Address, ulong)[n];
        var seen = new HashSet<Address>();
        for (int i = 0; i < n; i++)
        {
            balances[i] = (r.ReadAddress(), r.ReadU64("amount"));
            if (!seen.Add(balances[i].Item1)) throw new CodecException($"address {balances[i].Item1} has two genesis balances");
        }
        r.End("accounts genesis");
        return balances;
    }
}
