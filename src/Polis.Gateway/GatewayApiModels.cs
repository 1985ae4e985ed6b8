namespace Polis.Gateway;

// The gateway API's JSON shapes. Hashes are lower-case hex; sequences and heights are JSON numbers.

/// <summary>The verdict on reading <paramref name="Index"/> of a submission; <paramref name="Reason"/> is a stable name (see <see cref="ReadingReason"/>).</summary>
public sealed record ReadingResultResponse(int Index, string Reason, string? DeviceId, ulong? Sequence, string Message);

/// <summary>The answer to <c>POST /v1/readings</c>: counts and one result per reading, in submission order.</summary>
public sealed record ReadingsSubmitResponse(int Accepted, int Rejected, IReadOnlyList<ReadingResultResponse> Results);

/// <summary>JSON body of <c>POST /v1/readings</c>: encoded readings in hex.</summary>
public sealed record ReadingsSubmitRequest(IReadOnlyList<string>? Readings);

/// <summary>
/// One accepted reading of a device. <paramref name="Status"/>: <c>pending</c> (waiting for a batch),
/// <c>sealed</c> (in batch <paramref name="Batch"/>, anchor not committed yet) or <c>anchored</c> (at <paramref name="Height"/>).
/// </summary>
public sealed record DeviceReadingResponse(ulong Sequence, long TimeMs, string Metric, string Unit, IReadOnlyList<long> Values, string? PayloadHash,
    string Status, ulong? Batch, ulong? Height, string LeafHash);

public sealed record DeviceReadingsResponse(string DeviceId, IReadOnlyList<DeviceReadingResponse> Readings);

/// <summary>A human-readable account of a reading proof (<c>?format=json</c>); <paramref name="Proof"/> is the binary document in hex.</summary>
public sealed record ReadingProofSummary(string DeviceId, ulong Sequence, string GatewayId, ulong Batch, string BatchRoot, ulong LeafIndex, ulong LeafCount,
    ulong Height, string BlockId, string AnchorTx, int Validators, int Bytes, string Proof);
