using System.Runtime.InteropServices;

namespace Polis.Core.IO;

/// <summary>
/// fsync of a directory, so a file created or renamed in it survives a power cut (a file's own
/// fsync does not make its directory entry durable). .NET cannot open a directory as a file, so
/// this calls open(2) and fsync(2) directly. Windows has no such call (NTFS journals its
/// metadata). Shared by the consensus journal and the key files.
/// </summary>
public static partial class DirectorySync
{
    public static void Fsync(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"cannot open the directory {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (FsyncFd(fd) != 0) throw new IOException($"fsync of the directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
