namespace Polis.Modules.Devices;

/// <summary>
/// The outcome of verifying a reading proof: the verified facts, or the first check that failed
/// and why. Never an exception: a bad proof is an expected input.
/// </summary>
public sealed class ReadingVerification
{
    private ReadingVerification(VerifiedReading? facts, ReadingCheck failedCheck, string reason)
    {
        Facts = facts;
        FailedCheck = failedCheck;
        Reason = reason;
    }

    /// <summary>The verified facts; null when the proof was rejected.</summary>
    public VerifiedReading? Facts { get; }

    /// <summary>The first check that failed; <see cref="ReadingCheck.None"/> when the proof verified.</summary>
    public ReadingCheck FailedCheck { get; }

    /// <summary>Why the proof was rejected; empty when it verified.</summary>
    public string Reason { get; }

    public bool IsValid => Facts is not null;

    public static ReadingVerification Success(VerifiedReading facts) => new(facts, ReadingCheck.None, "");

    public static ReadingVerification Failure(ReadingCheck check, string reason) => new(null, check, reason);

    public override string ToString() => IsValid ? "verified" : $"{FailedCheck}: {Reason}";
}
