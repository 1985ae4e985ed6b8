namespace Polis.State;

/// <summary>Bounds on what the state accepts from execution.</summary>
public static class StateLimits
{
    public const int KeyBytesMax = 256;
    public const int ValueBytesMax = 1024 * 1024;
}
