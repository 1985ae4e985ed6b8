namespace Polis.Consensus.Wal;

/// <summary>
/// How the journal treats what it finds at open. Virtual only so that the simulator's own tests can
/// put back the recovery that used to ship (cut the log at the first bad record, no guard) and show
/// that the simulated disk and the double-sign checker catch it. Internal; the node always uses
/// <see cref="Strict"/>. The mutation lives in the test project.
/// </summary>
internal class WalRecoveryRules
{
    public static readonly WalRecoveryRules Strict = new();

    /// <summary>Damage to records that were durable (before the last fsync the journal knows of) stops the node.</summary>
    public virtual bool RefuseDurableDamage => true;

    /// <summary>The double-sign guard is read and trusted alongside the WAL.</summary>
    public virtual bool ReadGuard => true;
}
