using Polis.Core.Crypto;
using Polis.Core.Encoding;
using Polis.Core.Ledger;
using Polis.Client.Config;

namespace Polis.Client.Light;

/// <summary>
/// Verifies proofs offline, trusting nothing but a chain id and its validator set (the genesis's:
/// the set is static for now). A header is trusted when it names that chain and set and a commit
/// carries valid precommit signatures for it from more than two thirds of the voting power; the
/// header's roots then vouch for everything proven under them.
/// </summary>
public sealed class LightClient
{
    private readonly ISignatureVerifier _verifier;

    public LightClient(string chainId, ValidatorSet validators, ISignatureVerifier? verifier = null)
    {
        Polis.Core.Ledger.ChainId.Check(chainId);
        ChainId = chainId;
        Validators = validators;
        _verifier = verifier ?? DirectSignatureVerifier.Instance;
    }

    /// <summary>A light client trusting the genesis file's chain id and validators (a <see cref="FormatException"/> if they are malformed).</summary>
    public LightClient(GenesisFile genesis, ISignatureVerifier? verifier = null) : this(genesis.ChainId, genesis.ToValidatorSet(), verifier)
    {
    }

    public string ChainId { get; }
    public ValidatorSet Validators { get; }
    /// <summary>How this client checks signatures (a module's proof checks a device's or a sender's with it too).</summary>
    public ISignatureVerifier Verifier => _verifier;

    /// <summary>
    /// Checks that <paramref name="header"/> is of the trusted chain and validator set and that
    /// <paramref name="commit"/> (its canonical bytes) finalizes it. Returns "" when it does, else the reason.
    /// </summary>
    public string VerifyHeader(BlockHeader header, ReadOnlySpan<byte> commit)
    {
        string reason = CheckHeaderIdentity(header);
        return reason.Length > 0 ? reason : CheckCommit(header, commit);
    }

    /// <summary>"" when <paramref name="header"/> names the trusted chain and validator set, else the reason.</summary>
    public string CheckHeaderIdentity(BlockHeader header)
    {
        if (header.ChainId != ChainId) return $"header is for chain '{header.ChainId}', trusted chain is '{ChainId}'";
        if (header.ValidatorSetHash != Validators.Hash)
            return $"header names validator set {header.ValidatorSetHash.Short}, trusted set is {Validators.Hash.Short}";
        return "";
    }

    /// <summary>"" when <paramref name="commitBytes"/> decode to a commit of the trusted validators finalizing <paramref name="header"/>, else the reason.</summary>
    public string CheckCommit(BlockHeader header, ReadOnlySpan<byte> commitBytes)
    {
        Commit commit;
        try
        {
            commit = Commit.Decode(commitBytes);
        }
        catch (CodecException e)
        {
            return $"commit does not decode: {e.Message}";
        }
        // Verify checks every signature in the commit, not just enough of them: an extra or altered
        // signature fails too, so no byte of the commit goes unchecked. The round is signed over.
        string reason = commit.Verify(ChainId, Validators, header.Height, header.Id, _verifier);
        return reason.Length > 0 ? $"commit does not finalize block {header.Height}: {reason}" : "";
    }
}
