using Polis.Client.Config;
using Polis.Core.Crypto;
using Polis.Testing;

namespace Polis.Client.Tests;

public sealed class KeyFileTests
{
    [Fact]
    public void Overwriting_a_key_file_leaves_it_owner_readable_only_whole_and_nothing_beside_it()
    {
        if (OperatingSystem.IsWindows()) return; // Unix modes
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "key.json");
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead); // 0644, as a careless copy leaves it
        using var key = KeyPair.Generate();
        KeyFile.Save(path, key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var loaded = KeyFile.Load(path);
        Assert.Equal(key.PublicKey.ToString(), loaded.PublicKey.ToString());
        Assert.Equal(["key.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    /// <summary>A crash between writing the temporary file and the rename leaves it beside the key; the next save removes it, and nothing else.</summary>
    [Fact]
    public void A_temporary_file_a_crash_left_is_removed_by_the_next_save()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "key.json");
        string leftover = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(leftover, "half a key");
        string unrelated = Path.Combine(dir.Path, "key.json.notes.tmp");
        File.WriteAllText(unrelated, "mine");
        using var key = KeyPair.Generate();
        KeyFile.Save(path, key);
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(unrelated));
        Assert.Equal(["key.json", "key.json.notes.tmp"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
