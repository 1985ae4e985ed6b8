using Polis.Core;
using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Execution.Accounts;

namespace Polis.Execution;

/// <summary>
/// The chain's starting point: its id, start time, first validators and initial CITY allocations.
/// Its hash stands in for the previous block id of block 1, so block 1 commits to the genesis.
/// </summary>
public sealed class Genesis
{
    public const int AllocationsMax = 100_000;

    public Genesis(string chainId, long timeMs, ValidatorSet validators, IReadOnlyList<(Address Address, ulong Amount)> allocations)
    {
        ChainId.Check(chainId);
        if (allocations.Count > AllocationsMax) throw new ArgumentException($"more than {AllocationsMax} allocations", nameof(allocations));
        var seen = new HashSet<Address>();
        foreach (var (address, _) in allocations)
            if (!seen.Add(address)) throw new ArgumentException($"address {address} allocated twice", nameof(allocations));
        Id = chainId;
        TimeMs = timeMs;
        Validators = validators;
        Allocations = allocations;
        Hash = Sha256.Hash(ToBytes());
    }

    public string Id { get; }
    public long TimeMs { get; }
    public ValidatorSet Validators { get; }
    public IReadOnlyList<(Address Address, ulong Amount)> Allocations { get; }
    public Hash32 Hash { get; }

    public void ApplyTo(IStateView state)
    {
        foreach (var (address, amount) in Allocations) new AccountRecord(0, amount).Store(state, address);
    }

    public byte[] ToBytes()
    {
        var w = new CanonicalWriter(256 + Allocations.Count * 28);
        w.WriteString(Id);
        w.WriteI64(TimeMs);
        Validators.Encode(w);
        w.WriteCount(Allocations.Count);
        foreach (var (address, amount) in Allocations)
        {
            w.WriteAddress(address);
            w.WriteU64(amount);
        }
        return w.ToArray();
    }

    public static Genesis Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new CanonicalReader(bytes);
        string chainId = r.ReadString(Limits.ChainIdBytesMax, "chain id");
        long time = r.ReadI64("genesis time");
        var validators = ValidatorSet.Decode(ref r);
        int n = r.ReadCount(AllocationsMax, Address.Size + 8, "allocations");
        var allocations = new (Address, ulong)[n];
        for (int i = 0; i < n; i++) allocations[i] = (r.ReadAddress(), r.ReadU64("amount"));
        r.End("genesis");
        try
        {
            return new Genesis(chainId, time, validators, allocations);
        }
        catch (ArgumentException e)
        {
            throw new CodecException(e.Message);
        }
    }
}
