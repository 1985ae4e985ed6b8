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
    /// <summary>The body is larger than its module takes.</summary>
    BodyTooLarge,
    NonceUsed,
    NonceGap,
    SenderFull,
    NoncePending,
    /// <summary>The sender's balance does not cover the fee and what the transaction spends, on top of what it has pending.</summary>
    InsufficientFunds,
    Full,
}

public readonly record struct Admission(AdmissionCode Code, string Reason)
{
    public bool Accepted => Code == AdmissionCode.Accepted;
    public static readonly Admission Ok = new(AdmissionCode.Accepted, "");
}
