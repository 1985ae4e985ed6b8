using NSec.Cryptography;

namespace Polis.Core.Crypto;

/// <summary>
/// Keys for time windows from one root key, arranged so that any range of windows can be handed
/// over with at most 2 × <see cref="Depth"/> keys and nothing outside the range can be derived from
/// them: the tree of Goldreich, Goldwasser and Micali ("How to construct random functions", JACM
/// 1986), as used for time-bound key delegation. Each node of a binary tree of depth
/// <see cref="Depth"/> has a 32-byte key; a child's key is the keyed BLAKE2b-256 (libsodium's
/// <c>crypto_generichash</c> with a key, through NSec) of the domain string
/// <c>polis/window-key-tree/v1</c> and one byte, 0 for the left child and 1 for the right, under
/// the parent's key. Window <c>w</c> is leaf <c>w</c>. A subtree's key derives every window
/// below it and, BLAKE2b being a PRF, nothing else.
/// <para>
/// The Vault gives a recipient the keys of <see cref="Cover"/> for the windows in a grant's
/// scope; the device encrypts each window's readings under that window's key. With 15-minute
/// windows counted from the Unix epoch, a depth of 32 lasts 122,000 years.
/// </para>
/// </summary>
public static class WindowKeyTree
{
    public const int Depth = 32;
    public const int KeyBytes = 32;
    public const ulong WindowsMax = 1UL << Depth;
    private static ReadOnlySpan<byte> Domain => "polis/window-key-tree/v1"u8;
    private static readonly MacAlgorithm Prf = MacAlgorithm.Blake2b_256;

    /// <summary>A node of the tree: the subtree of <paramref name="Level"/> (0: the root, <see cref="Depth"/>: one window) at <paramref name="Index"/>, with its key.</summary>
    public sealed record SubtreeKey(int Level, ulong Index, byte[] Key)
    {
        /// <summary>The first and last window below this node.</summary>
        public (ulong First, ulong Last) Windows
        {
            get
            {
                int below = Depth - Level;
                ulong first = Index << below;
                return (first, first + ((1UL << below) - 1));
            }
        }
    }

    /// <summary>The key of window <paramref name="window"/> under <paramref name="root"/>.</summary>
    public static byte[] WindowKey(ReadOnlySpan<byte> root, ulong window) => NodeKey(root, Depth, window);

    /// <summary>The key of node (<paramref name="level"/>, <paramref name="index"/>) under <paramref name="root"/>.</summary>
    public static byte[] NodeKey(ReadOnlySpan<byte> root, int level, ulong index)
    {
        if (root.Length != KeyBytes) throw new ArgumentException($"a root key is {KeyBytes} bytes", nameof(root));
        if (level is < 0 or > Depth) throw new ArgumentOutOfRangeException(nameof(level), $"a level is 0..{Depth}");
        if (level < 64 && index >> level != 0) throw new ArgumentOutOfRangeException(nameof(index), $"level {level} has {1UL << level} nodes");
        var key = root.ToArray();
        for (int l = 1; l <= level; l++) key = Child(key, (byte)((index >> (level - l)) & 1));
        return key;
    }

    /// <summary>
    /// The fewest subtrees that together hold exactly windows <paramref name="first"/> to
    /// <paramref name="last"/> (at most 2 × <see cref="Depth"/>), left to right.
    /// </summary>
    public static IReadOnlyList<(int Level, ulong Index)> Cover(ulong first, ulong last)
    {
        if (first > last || last >= WindowsMax) throw new ArgumentOutOfRangeException(nameof(last), $"a range of windows within 0..{WindowsMax - 1}, first <= last");
        var nodes = new List<(int, ulong)>();
        ulong next = first;
        while (true)
        {
            // The largest aligned block that starts at next and ends within the range.
            int size = next == 0 ? Depth : Math.Min(Depth, System.Numerics.BitOperations.TrailingZeroCount(next));
            while (size > 0 && next + ((1UL << size) - 1) > last) size--;
            nodes.Add((Depth - size, next >> size));
            ulong end = next + ((1UL << size) - 1);
            if (end >= last) return nodes;
            next = end + 1;
        }
    }

    /// <summary>The keys of <see cref="Cover"/> for windows <paramref name="first"/> to <paramref name="last"/>: what a recipient of that range is given.</summary>
    public static IReadOnlyList<SubtreeKey> CoverKeys(ReadOnlySpan<byte> root, ulong first, ulong last)
    {
        var keys = new List<SubtreeKey>();
        foreach (var (level, index) in Cover(first, last)) keys.Add(new SubtreeKey(level, index, NodeKey(root, level, index)));
        return keys;
    }

    /// <summary>Window <paramref name="window"/>'s key from a subtree's, when the window lies below it.</summary>
    public static bool TryDerive(SubtreeKey subtree, ulong window, out byte[] key)
    {
        key = [];
        if (subtree.Key.Length != KeyBytes || subtree.Level is < 0 or > Depth || window >= WindowsMax) return false;
        int below = Depth - subtree.Level;
        if (window >> below != subtree.Index) return false;
        var k = subtree.Key.ToArray();
        for (int l = below - 1; l >= 0; l--) k = Child(k, (byte)((window >> l) & 1));
        key = k;
        return true;
    }

    /// <summary>Window <paramref name="window"/>'s key from any of <paramref name="keys"/> (a grant's), if one covers it.</summary>
    public static bool TryDerive(IEnumerable<SubtreeKey> keys, ulong window, out byte[] key)
    {
        foreach (var subtree in keys)
            if (TryDerive(subtree, window, out key)) return true;
        key = [];
        return false;
    }

    private static byte[] Child(byte[] parent, byte side)
    {
        using var key = Key.Import(Prf, parent, KeyBlobFormat.RawSymmetricKey);
        Span<byte> message = stackalloc byte[Domain.Length + 1];
        Domain.CopyTo(message);
        message[^1] = side;
        return Prf.Mac(key, message);
    }
}
