namespace Polis.Consensus.Wal;

/// <summary>
/// What an operator runs (<c>polis node wal-recover</c>) after <see cref="WalCorruptException"/>
/// and after checking the disk. Each step keeps the double-sign guarantee: the WAL is set aside only
/// while the guard is readable; the guard is rebuilt from the WAL only while the WAL is whole; when
/// neither can be trusted, signing resumes only above a height the operator names (one the chain
/// has already committed past).
/// </summary>
public static class JournalRepair
{
    /// <summary>What the repair did, for the operator.</summary>
    public sealed record Outcome(string Done);

    /// <summary>
    /// Repairs what can be repaired without losing the double-sign guarantee. <paramref name="committedHeight"/>
    /// is the node's committed height (its store): this validator may have signed at the height after
    /// it, so a floor is never at or below that.
    /// </summary>
    public static Outcome Run(IWalDirectory dir, string chainId, ulong? signAboveHeight, ulong committedHeight = 0)
    {
        using var owner = dir.Lock();
        ConsensusWal.RemoveLeftovers(dir);
        if (signAboveHeight is { } floor) return ResetToFloor(dir, chainId, floor, committedHeight);
        bool walExists = dir.Exists(ConsensusWal.FileName), guardExists = dir.Exists(SignGuard.FileName);
        if (!walExists && !guardExists)
        {
            if (committedHeight > 0) throw NeedsFloor(dir, $"there is no journal, yet this node has committed height {committedHeight}");
            return new Outcome("nothing to repair: no WAL and no guard (a new validator)");
        }
        var warnings = new List<string>();
        if (guardExists && TryOpenGuard(dir, chainId, warnings) is { } guard)
        {
            var state = guard.State;
            bool degraded = guard.HadUnreadableSlot;
            guard.Dispose();
            if (state.Sequence > 0 || !walExists)
            {
                try
                {
                    using var journal = ConsensusJournal.Open(dir, chainId, WalRecoveryRules.Strict, lockDirectory: false, committedHeight: committedHeight);
                    return new Outcome("nothing to repair: the WAL and the guard both read; start the node (it logs what else it finds)");
                }
                catch (WalCorruptException) when (!degraded)
                {
                    string aside = SetAside(dir);
                    return new Outcome($"the WAL was set aside as {aside}; the node resumes from the guard (last signature at height {state.Record?.Height.ToString() ?? "-"})");
                }
                catch (WalCorruptException)
                {
                    // A guard that lost a slot may be a signature behind: it alone cannot vouch.
                    throw NeedsFloor(dir, "a slot of the double-sign guard is unreadable and the WAL does not open");
                }
            }
        }
        // The guard is missing, unreadable, or never written while a WAL exists: rebuild it from a whole WAL.
        if ((walExists ? ReadUndamaged(dir, chainId) : null) is not { } scan) throw NeedsFloor(dir, "neither the WAL nor the double-sign guard can be trusted");
        ReplaceGuard(dir, chainId, scan.Last, scan.Header!.Generation, scan.ValidEnd);
        return new Outcome($"the guard was rebuilt from the WAL (last signature: {(scan.Last is { } l ? $"height {l.Height} round {l.Round} {l.Step}" : "none")})");
    }

    /// <summary>
    /// Signs nothing at or below the higher of the operator's height and any signature either file
    /// still shows. The new guard is written whole under another name and renamed over the old one
    /// before the WAL is set aside: a crash at any step leaves the old guard or the new one, never
    /// neither (which would read as a validator that never signed).
    /// </summary>
    private static WalCorruptException NeedsFloor(IWalDirectory dir, string why) =>
        new($"{why}, so what this validator signed last is unknown. Find the chain's latest committed height on a healthy node (polis status) " +
            "and run again with --sign-above-height set to that height plus one: this validator then signs nothing at or below it " +
            "(it may have signed at the height after the last one it committed).", dir.Describe(SignGuard.FileName), -1);

    private static Outcome ResetToFloor(IWalDirectory dir, string chainId, ulong floor, ulong committedHeight)
    {
        if (floor == 0) throw new ArgumentOutOfRangeException(nameof(floor), "the height must be at least 1");
        ulong seen = HighestSignedHeight(dir, chainId);
        ulong effective = Math.Max(floor, Math.Max(seen, committedHeight + 1));
        ReplaceGuard(dir, chainId, SignRecord.Floor(effective), 0, 0);
        string? aside = dir.Exists(ConsensusWal.FileName) ? SetAside(dir) : null;
        string raised = effective == floor ? ""
            : seen >= committedHeight + 1 ? $" (raised from {floor}: the journal shows a signature at height {seen})"
            : $" (raised from {floor}: this node committed height {committedHeight} and may have signed at the next)";
        return new Outcome($"{(aside is null ? "" : $"the WAL was set aside as {aside}; ")}the guard now says: sign nothing at or below height {effective}{raised}");
    }

    /// <summary>The highest height of a signature the guard or the WAL's readable part still shows (0: none).</summary>
    private static ulong HighestSignedHeight(IWalDirectory dir, string chainId)
    {
        ulong highest = 0;
        if (dir.Exists(SignGuard.FileName) && TryOpenGuard(dir, chainId, new List<string>()) is { } guard)
        {
            highest = guard.State.Record?.Height ?? 0;
            guard.Dispose();
        }
        if (dir.Exists(ConsensusWal.FileName))
        {
            using var file = dir.Open(ConsensusWal.FileName);
            var scan = WalScan.Read(file);
            if (scan.Header?.ChainId == chainId && scan.Last is { } last) highest = Math.Max(highest, last.Height);
        }
        return highest;
    }

    private static void ReplaceGuard(IWalDirectory dir, string chainId, SignRecord? record, ulong walGeneration, long walSyncedBytes)
    {
        using (var guard = SignGuard.Create(dir, chainId, SignGuard.ReplacementName)) guard.Write(record, walGeneration, walSyncedBytes);
        dir.Rename(SignGuard.ReplacementName, SignGuard.FileName);
        dir.Sync();
    }

    private static SignGuard? TryOpenGuard(IWalDirectory dir, string chainId, List<string> warnings)
    {
        try
        {
            return SignGuard.Open(dir, chainId, warnings);
        }
        catch (WalCorruptException)
        {
            return null;
        }
    }

    /// <summary>
    /// The WAL read once, if it has no damage at all (else null). Without a guard nothing says how
    /// much of the file was durable: a damaged last record may be the last signature itself.
    /// </summary>
    private static WalScan? ReadUndamaged(IWalDirectory dir, string chainId)
    {
        using var file = dir.Open(ConsensusWal.FileName);
        var scan = WalScan.Read(file);
        return scan.Header is { } h && h.ChainId == chainId && scan.DamageAt < 0 ? scan : null;
    }

    private static string SetAside(IWalDirectory dir)
    {
        for (int n = 1; ; n++)
        {
            string name = $"{ConsensusWal.FileName}.damaged-{n}";
            if (dir.Exists(name)) continue;
            dir.Rename(ConsensusWal.FileName, name);
            dir.Sync();
            return dir.Describe(name);
        }
    }
}
