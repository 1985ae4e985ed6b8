namespace Polis.Execution.Fees;

/// <summary>
/// The chain's fee schedule in state, under <c>params/fees</c> (absent: no fees). The executor
/// owns it: the genesis writes it, governance will change it (as Cosmos SDK keeps x/auth's and
/// x/bank's parameters in state rather than in the binary).
/// </summary>
public static class FeeRecord
{
    public const string Prefix = "params/";
    private static readonly byte[] KeyBytes = "params/fees"u8.ToArray();

    public static FeeSchedule Load(IStateView state) => state.Get(KeyBytes) is { } bytes ? FeeSchedule.Decode(bytes) : FeeSchedule.None;

    public static void Store(IStateView state, in FeeSchedule fees)
    {
        if (fees == FeeSchedule.None) state.Delete(KeyBytes);
        else state.Put(KeyBytes, fees.ToBytes());
    }
}
