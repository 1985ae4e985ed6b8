namespace Polis.Modules.Devices;

/// <summary>
/// The step of a reading proof's verification, in the order the light client runs them; a failed
/// verification names the first step that did not hold.
/// </summary>
public enum ReadingCheck
{
    /// <summary>Nothing failed.</summary>
    None = 0,
    /// <summary>The document does not decode as a reading proof.</summary>
    Document,
    /// <summary>The header is not of the trusted chain and validator set.</summary>
    Header,
    /// <summary>The commit does not finalize the header with more than two thirds of the trusted voting power.</summary>
    Commit,
    /// <summary>The anchor transaction is not in the block, or is not an anchor of this chain.</summary>
    AnchorTransaction,
    /// <summary>The state does not hold this anchor as written by this transaction (e.g. the anchor failed on chain).</summary>
    AnchorRecord,
    /// <summary>The reading is not a leaf of the anchored batch.</summary>
    BatchPath,
    /// <summary>The reading does not decode, is for another chain, or lies outside the anchored time range.</summary>
    Reading,
    /// <summary>The state does not hold the device, or holds it revoked at the anchor's height.</summary>
    DeviceRecord,
    /// <summary>The device's key at the anchor's height did not sign the reading.</summary>
    Signature,
}
