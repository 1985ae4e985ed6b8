namespace Polis.Execution;

/// <summary>What a module may know of the block it runs in: its height and its header time. Both are agreed by consensus.</summary>
public readonly record struct BlockContext(ulong Height, long TimeMs);
