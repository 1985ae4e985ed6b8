namespace Polis.Core.Encoding;

/// <summary>Malformed bytes: truncated, oversized, trailing garbage or a non-canonical form.</summary>
public sealed class CodecException(string message) : Exception(message);
