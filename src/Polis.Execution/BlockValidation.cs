namespace Polis.Execution;

/// <summary>The verdict on a proposed block, with the reason when it is invalid.</summary>
public sealed record BlockValidation(bool Valid, string Reason)
{
    public static readonly BlockValidation Ok = new(true, "");
    public static BlockValidation Invalid(string reason) => new(false, reason);
}
