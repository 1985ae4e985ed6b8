namespace Polis.Node.Mempool;

/// <summary>Why a transaction was or was not admitted. The names appear in API errors and metrics.</summary>
public enum AdmissionCode
{
    Accepted,
    Duplicate,
    Malformed,
    WrongChain,
    BadSignature,
    /// <summary>The transaction is for a module this chain does not run.</summary>
    UnknownModule,
    NonceUsed,
    NonceGap,
    SenderFull,
    NoncePending,
    InsufficientFunds,
    Full,
}

public readonly record struct Admission(AdmissionCode Code, string Reason)
{
    public bool Accepted => Code == AdmissionCode.Accepted;
    public static readonly Admission Ok = new(AdmissionCode.Accepted, "");
}
