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

    public static Outcome Run(IWalDirectory dir, string chainId, ulong? signAboveHeight)
    {
        ConsensusWal.RemoveLeftovers(dir);
        if (signAboveHeight is { } floor) return ResetToFloor(dir, chainId, floor);
        bool walExists = dir.Exists(ConsensusWal.FileName), guardExists = dir.Exists(SignGuard.FileName);
        if (!walExists && !guardExists) return new Outcome("nothing to repair: no WAL and no guard (a new validator)");
        var warnings = new List<string>();
        if (guardExists && TryOpenGuard(dir, chainId, warnings) is { } guard)
        {
            var state = guard.State;
            guard.Dispose();
            if (state.Sequence > 0 || !walExists)
            {
                try
                {
                    using var journal = ConsensusJournal.Open(dir, chainId);
                    return new Outcome("nothing to repair: the WAL and the guard both read; start the node (it logs what else it finds)");
                }
                catch (WalCorruptException)
                {
                    string aside = SetAside(dir);
                    return new Outcome($"the WAL was set aside as {aside}; the node resumes from the guard (last signature at height {state.Record?.Height.ToString() ?? "-"})");
                }
            }
        }
        // The guard is missing, unreadable, or never written while a WAL exists: rebuild it from a whole WAL.
        if (!walExists || !WalIsWhole(dir, chainId))
            throw new WalCorruptException("neither the WAL nor the double-sign guard can be trusted, so what this validator signed last is unknown. " +
                "Find a height the chain has committed past (polis status on another node), then run again with --sign-above-height HEIGHT: " +
                "this validator then signs nothing at or below it.", dir.Describe(SignGuard.FileName), -1);
        using var file = dir.Open(ConsensusWal.FileName);
        var scan = WalScan.Read(file);
        using var rebuilt = SignGuard.Create(dir, chainId);
        rebuilt.Write(scan.Last, scan.Header!.Generation, scan.Length);
        return new Outcome($"the guard was rebuilt from the WAL (last signature: {(scan.Last is { } l ? $"height {l.Height} round {l.Round} {l.Step}" : "none")})");
    }

    private static Outcome ResetToFloor(IWalDirectory dir, string chainId, ulong floor)
    {
        if (floor == 0) throw new ArgumentOutOfRangeException(nameof(floor), "the height must be at least 1");
        string? aside = dir.Exists(ConsensusWal.FileName) ? SetAside(dir) : null;
        if (dir.Exists(SignGuard.FileName))
        {
            dir.Rename(SignGuard.FileName, SignGuard.FileName + ".replaced");
            dir.Sync();
        }
        using var guard = SignGuard.Create(dir, chainId);
        guard.Write(SignRecord.Floor(floor), 0, 0);
        return new Outcome($"{(aside is null ? "" : $"the WAL was set aside as {aside}; ")}the guard now says: sign nothing at or below height {floor}");
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

    private static bool WalIsWhole(IWalDirectory dir, string chainId)
    {
        using var file = dir.Open(ConsensusWal.FileName);
        var scan = WalScan.Read(file);
        return scan.Header is { } h && h.ChainId == chainId && (scan.DamageAt < 0 || !scan.SignRecordAfterDamage && scan.DamageAt >= h.SyncedAtCreationBytes);
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
