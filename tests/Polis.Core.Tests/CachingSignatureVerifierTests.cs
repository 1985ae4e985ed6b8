using Polis.Core.Crypto;

namespace Polis.Core.Tests;

public sealed class CachingSignatureVerifierTests
{
    [Fact]
    public void The_caching_verifier_gives_the_same_verdicts_and_checks_each_signature_once()
    {
        var verifier = new CachingSignatureVerifier();
        using var key = KeyPair.FromLabel("cache-test");
        var signature = key.Sign([1]);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(verifier.Verify(key.PublicKey, [1], signature));
            Assert.False(verifier.Verify(key.PublicKey, [2], signature));
        }
        Assert.Equal(2, verifier.Misses);
        Assert.Equal(4, verifier.Hits);
    }
}
