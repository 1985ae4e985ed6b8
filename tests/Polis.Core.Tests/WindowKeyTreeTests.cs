using CsCheck;
using Polis.Core.Crypto;

namespace Polis.Core.Tests;

/// <summary>The window key tree: a range's cover opens exactly the windows in the range, with the keys the root gives them; pinned vectors fix the construction.</summary>
public sealed class WindowKeyTreeTests
{
    private static readonly byte[] Root = Enumerable.Repeat((byte)0x01, WindowKeyTree.KeyBytes).ToArray();

    [Fact]
    public void Golden_vectors_pin_the_construction()
    {
        Assert.Equal(GoldenWindow0, Convert.ToHexStringLower(WindowKeyTree.WindowKey(Root, 0)));
        Assert.Equal(GoldenWindow1, Convert.ToHexStringLower(WindowKeyTree.WindowKey(Root, 1)));
        Assert.Equal(GoldenWindowLast, Convert.ToHexStringLower(WindowKeyTree.WindowKey(Root, WindowKeyTree.WindowsMax - 1)));
        Assert.Equal(Convert.ToHexStringLower(Root), Convert.ToHexStringLower(WindowKeyTree.NodeKey(Root, 0, 0)));
    }

    // Computed independently of NSec, with Python's hashlib: blake2b(b"polis/window-key-tree/v1" + bytes([bit]), digest_size=32, key=parent), from the root down, most significant bit first.
    private const string GoldenWindow0 = "eab1eee72a96099543382faf87fe3b756658cf46879d6536a741872825036219";
    private const string GoldenWindow1 = "0b27e9d44a981a428c96eb13235dca0603e82d16081b1710aaa94f8b6a799af0";
    private const string GoldenWindowLast = "2d58f133f42aa5a8e28a3f4ffcdaf8dd83ebdd03f8ae5df34f48a6dda8904fbf";

    [Fact]
    public void A_ranges_cover_opens_exactly_the_windows_in_the_range_with_the_roots_keys()
    {
        var gen = Gen.Select(Gen.Byte.Array[WindowKeyTree.KeyBytes], Gen.UInt, Gen.UInt[0, 5_000], Gen.UInt);
        gen.Sample((root, start, length, probe) =>
        {
            ulong first = start, last = Math.Min(WindowKeyTree.WindowsMax - 1, (ulong)start + length);
            var cover = WindowKeyTree.Cover(first, last);
            Assert.True(cover.Count <= 2 * WindowKeyTree.Depth, $"{cover.Count} keys for {first}..{last}");
            var keys = WindowKeyTree.CoverKeys(root, first, last);
            // The subtrees are contiguous, in order, and hold exactly the range.
            ulong expected = first;
            foreach (var k in keys)
            {
                Assert.Equal(expected, k.Windows.First);
                expected = k.Windows.Last + 1;
            }
            Assert.Equal(last + 1, expected);
            ulong inside = first + probe % (last - first + 1);
            foreach (ulong w in new[] { first, last, inside })
            {
                Assert.True(WindowKeyTree.TryDerive(keys, w, out var key));
                Assert.Equal(WindowKeyTree.WindowKey(root, w), key);
            }
            if (first > 0) Assert.False(WindowKeyTree.TryDerive(keys, first - 1, out _));
            if (last < WindowKeyTree.WindowsMax - 1) Assert.False(WindowKeyTree.TryDerive(keys, last + 1, out _));
        }, iter: 200);
    }

    [Fact]
    public void Whole_aligned_ranges_take_one_key_and_the_whole_tree_is_the_root()
    {
        Assert.Equal([(WindowKeyTree.Depth - 4, 3UL)], WindowKeyTree.Cover(48, 63));
        Assert.Equal([(0, 0UL)], WindowKeyTree.Cover(0, WindowKeyTree.WindowsMax - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowKeyTree.Cover(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => WindowKeyTree.Cover(0, WindowKeyTree.WindowsMax));
        Assert.Throws<ArgumentException>(() => WindowKeyTree.WindowKey(new byte[31], 0));
        Assert.NotEqual(WindowKeyTree.WindowKey(Root, 0), WindowKeyTree.WindowKey(Root, 1));
    }
}
