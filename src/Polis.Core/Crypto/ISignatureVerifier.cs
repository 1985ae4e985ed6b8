
namespace Polis.Core.Crypto;

/// <summary>
/// Checks Ed25519 signatures for the engine. The node plugs in a cache filled by parallel
/// pre-verification so each signature is checked once; verification is a pure function either way.
/// </summary>
public interface ISignatureVerifier
{
    bool Verify(PublicKey key, ReadOnlySpan<byte> message, in Signature signature);

    /// <summary>
    /// A transaction's signature over its sign bytes. A caching verifier keys the result by the
    /// transaction's hash, which commits to every signed field and the signature, so a hit costs
    /// neither the sign bytes nor a hash of them.
    /// </summary>
    bool VerifyTransaction(Ledger.Transaction tx) => Verify(tx.Sender, tx.SignBytes(), tx.Signature);
}
