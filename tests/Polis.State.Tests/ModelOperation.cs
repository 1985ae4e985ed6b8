namespace Polis.State.Tests;

/// <summary>One step of a random history: a put (value not null) or a delete, of a key drawn from a small space so keys repeat.</summary>
public sealed record ModelOperation(byte Key, byte[]? Value)
{
    public byte[] KeyBytes => [(byte)'k', Key];
}
