using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Polis.Core.Crypto;

/// <summary>
/// Pedersen commitments on ristretto255, for private bills: a meter commits to each interval's
/// value as <c>C = v·G + r·H</c>; with a public tariff per interval anyone can combine the anchored
/// commitments into <c>Σ tᵢ·Cᵢ = (Σ tᵢvᵢ)·G + (Σ tᵢrᵢ)·H</c>, and the citizen opens only the total
/// and its blinding, so the utility verifies the bill without learning the profile (Jawurek, Johns
/// and Kerschbaum, "Plug-in privacy for smart metering billing", PETS 2011; Rial and Danezis,
/// "Privacy-preserving smart metering", WPES 2011). The group arithmetic is libsodium's
/// (<c>crypto_core_ristretto255_*</c>, <c>crypto_scalarmult_ristretto255</c>, from the libsodium
/// that NSec ships); nothing here computes on the curve itself.
/// <para>
/// Generators, derived by hash-to-group so that no one knows log_G(H):
/// <c>G = ristretto255_from_hash(SHA-512("polis/pedersen/v1/G"))</c> and likewise <c>H</c> with
/// <c>".../H"</c>. A value is the scalar of its little-endian bytes; a blinding is a uniformly
/// random scalar (32 bytes, reduced).
/// </para>
/// </summary>
public static partial class PedersenCommitment
{
    public const int PointBytes = 32;
    public const int ScalarBytes = 32;

    private static readonly byte[] G = FromHash("polis/pedersen/v1/G"u8);
    private static readonly byte[] H = FromHash("polis/pedersen/v1/H"u8);

    /// <summary>The generators' encodings (test vectors pin them).</summary>
    public static ReadOnlySpan<byte> GeneratorG => G;
    public static ReadOnlySpan<byte> GeneratorH => H;

    /// <summary>A fresh random blinding scalar.</summary>
    public static byte[] RandomBlinding()
    {
        EnsureInitialized();
        var r = new byte[ScalarBytes];
        crypto_core_ristretto255_scalar_random(r);
        return r;
    }

    /// <summary><c>value·G + blinding·H</c>.</summary>
    public static byte[] Commit(ulong value, ReadOnlySpan<byte> blinding)
    {
        if (blinding.Length != ScalarBytes) throw new ArgumentException($"a blinding is {ScalarBytes} bytes", nameof(blinding));
        return Add(Multiply(G, Scalar(value)), Multiply(H, blinding.ToArray()));
    }

    /// <summary>
    /// The citizen's opening of a bill: the tariff-weighted total of the values and of the
    /// blindings. Overflow of the total throws (a bill that large is no bill).
    /// </summary>
    public static (ulong Total, byte[] Blinding) OpenBill(IReadOnlyList<(ulong Value, byte[] Blinding)> intervals, IReadOnlyList<ulong> tariffs)
    {
        if (intervals.Count != tariffs.Count) throw new ArgumentException("one tariff per interval", nameof(tariffs));
        EnsureInitialized();
        ulong total = 0;
        var blinding = new byte[ScalarBytes];
        for (int i = 0; i < intervals.Count; i++)
        {
            total = checked(total + checked(intervals[i].Value * tariffs[i]));
            var weighted = new byte[ScalarBytes];
            crypto_core_ristretto255_scalar_mul(weighted, Scalar(tariffs[i]), intervals[i].Blinding);
            crypto_core_ristretto255_scalar_add(blinding, blinding, weighted);
        }
        return (total, blinding);
    }

    /// <summary>
    /// Whether the tariff-weighted sum of <paramref name="commitments"/> opens to
    /// <paramref name="total"/> with <paramref name="blinding"/>: the utility's check of a bill.
    /// False for malformed input (a point that is not a valid encoding, lengths that differ).
    /// </summary>
    public static bool VerifyBill(IReadOnlyList<byte[]> commitments, IReadOnlyList<ulong> tariffs, ulong total, ReadOnlySpan<byte> blinding)
    {
        if (commitments.Count != tariffs.Count || commitments.Count == 0 || blinding.Length != ScalarBytes) return false;
        EnsureInitialized();
        byte[]? sum = null;
        for (int i = 0; i < commitments.Count; i++)
        {
            if (commitments[i].Length != PointBytes || crypto_core_ristretto255_is_valid_point(commitments[i]) != 1) return false;
            if (tariffs[i] == 0) continue;
            var weighted = Multiply(commitments[i], Scalar(tariffs[i]));
            sum = sum is null ? weighted : Add(sum, weighted);
        }
        var expected = Add(Multiply(G, Scalar(total)), Multiply(H, blinding.ToArray()));
        return sum is not null && CryptographicEquals(sum, expected);
    }

    private static byte[] Scalar(ulong value)
    {
        var s = new byte[ScalarBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(s, value);
        return s;
    }

    /// <summary><c>scalar·point</c>; the identity (scalar 0, which libsodium refuses to return) as the all-zero encoding.</summary>
    private static byte[] Multiply(byte[] point, byte[] scalar)
    {
        EnsureInitialized();
        var q = new byte[PointBytes];
        if (scalar.AsSpan().IndexOfAnyExcept((byte)0) < 0) return q;
        if (crypto_scalarmult_ristretto255(q, scalar, point) != 0) throw new CryptographicFailure("ristretto255 scalar multiplication failed");
        return q;
    }

    /// <summary><c>p + q</c>, where the all-zero encoding is the identity.</summary>
    private static byte[] Add(byte[] p, byte[] q)
    {
        if (p.AsSpan().IndexOfAnyExcept((byte)0) < 0) return q;
        if (q.AsSpan().IndexOfAnyExcept((byte)0) < 0) return p;
        var r = new byte[PointBytes];
        if (crypto_core_ristretto255_add(r, p, q) != 0) throw new CryptographicFailure("ristretto255 addition failed");
        return r;
    }

    private static byte[] FromHash(ReadOnlySpan<byte> domain)
    {
        EnsureInitialized();
        var hash = System.Security.Cryptography.SHA512.HashData(domain);
        var p = new byte[PointBytes];
        if (crypto_core_ristretto255_from_hash(p, hash) != 0) throw new CryptographicFailure("ristretto255 hash-to-group failed");
        return p;
    }

    private static bool CryptographicEquals(byte[] a, byte[] b) => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(a, b);

    private static void EnsureInitialized()
    {
        if (sodium_init() < 0) throw new CryptographicFailure("libsodium could not be initialised");
    }

    /// <summary>A failure inside libsodium (never expected with valid inputs).</summary>
    public sealed class CryptographicFailure(string message) : Exception(message);

    private const string Sodium = "libsodium";
    [LibraryImport(Sodium)] private static partial int sodium_init();
    [LibraryImport(Sodium)] private static partial int crypto_core_ristretto255_from_hash(byte[] p, byte[] r);
    [LibraryImport(Sodium)] private static partial int crypto_core_ristretto255_is_valid_point(byte[] p);
    [LibraryImport(Sodium)] private static partial int crypto_core_ristretto255_add(byte[] r, byte[] p, byte[] q);
    [LibraryImport(Sodium)] private static partial int crypto_scalarmult_ristretto255(byte[] q, byte[] n, byte[] p);
    [LibraryImport(Sodium)] private static partial void crypto_core_ristretto255_scalar_random(byte[] r);
    [LibraryImport(Sodium)] private static partial void crypto_core_ristretto255_scalar_add(byte[] z, byte[] x, byte[] y);
    [LibraryImport(Sodium)] private static partial void crypto_core_ristretto255_scalar_mul(byte[] z, byte[] x, byte[] y);
}
