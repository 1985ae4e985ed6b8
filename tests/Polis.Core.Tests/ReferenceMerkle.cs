using Polis.Core.Crypto;

namespace Polis.Core.Tests;

/// <summary>
/// RFC 6962 §2.1 written as the RFC writes it, recursively and slowly, to check the iterative
/// implementation against. MTH({}) = SHA-256(), MTH({d}) = SHA-256(0x00 || d),
/// MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest power of two below n.
/// </summary>
public static class ReferenceMerkle
{
    public static Hash32 Root(IReadOnlyList<byte[]> data) => Mth(data, 0, data.Count);

    /// <summary>PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path, nearest the leaf first.</summary>
    public static List<Hash32> Path(IReadOnlyList<byte[]> data, int m) => Path(data, m, 0, data.Count);

    private static Hash32 Mth(IReadOnlyList<byte[]> data, int start, int n)
    {
        if (n == 0) return Sha256.Hash([]);
        if (n == 1) return Sha256.Hash([0x00, .. data[start]]);
        int k = SplitPoint(n);
        return Sha256.Hash([0x01, .. Mth(data, start, k).ToArray(), .. Mth(data, start + k, n - k).ToArray()]);
    }

    private static List<Hash32> Path(IReadOnlyList<byte[]> data, int m, int start, int n)
    {
        if (n == 1) return [];
        int k = SplitPoint(n);
        return m < k
            ? [.. Path(data, m, start, k), Mth(data, start + k, n - k)]
            : [.. Path(data, m - k, start + k, n - k), Mth(data, start, k)];
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2).</summary>
    private static int SplitPoint(int n)
    {
        int k = 1;
        while (k * 2 < n) k *= 2;
        return k;
    }
}
