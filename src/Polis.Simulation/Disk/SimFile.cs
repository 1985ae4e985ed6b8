namespace Polis.Simulation.Disk;

/// <summary>One file of a <see cref="SimDisk"/>: the bytes the process sees, the bytes on the disk, and the writes in between.</summary>
internal sealed class SimFile
{
    private byte[] _current = [];
    private long _currentLength;
    private byte[] _durable = [];
    private long _durableLength;
    private readonly List<(long Offset, byte[] Data, long SetLength)> _pending = new(); // SetLength -1: a write

    public long Length => _currentLength;
    public long DurableLength => _durableLength;

    public int Read(long offset, Span<byte> into)
    {
        if (offset >= _currentLength) return 0;
        int n = (int)Math.Min(into.Length, _currentLength - offset);
        _current.AsSpan((int)offset, n).CopyTo(into);
        return n;
    }

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        WriteInto(ref _current, ref _currentLength, offset, data);
        _pending.Add((offset, data.ToArray(), -1));
    }

    public void SetLength(long length)
    {
        Resize(ref _current, ref _currentLength, length);
        _pending.Add((0, [], length));
    }

    public void Sync()
    {
        foreach (var op in _pending) Apply(op, op.Data.Length);
        _pending.Clear();
    }

    /// <summary>Each unsynced operation reaches the disk whole, torn (a prefix of it) or not at all; then the process sees the disk.</summary>
    public void Crash(Random random)
    {
        foreach (var op in _pending)
        {
            int fate = random.Next(3);
            if (fate == 0) continue; // lost
            int bytes = fate == 1 || op.Data.Length == 0 ? op.Data.Length : random.Next(op.Data.Length);
            Apply(op, bytes);
        }
        _pending.Clear();
        _current = _durable.AsSpan(0, (int)_durableLength).ToArray();
        _currentLength = _durableLength;
    }

    public long Corrupt(Random random)
    {
        long sectors = (_durableLength + SimDisk.SectorBytes - 1) / SimDisk.SectorBytes;
        long sector = random.NextInt64(sectors);
        long start = sector * SimDisk.SectorBytes;
        int length = (int)Math.Min(SimDisk.SectorBytes, _durableLength - start);
        // A few flipped bits somewhere in the sector (what escapes a disk's own checks).
        int at = (int)start + random.Next(length);
        _durable[at] ^= (byte)(1 << random.Next(8));
        if (at < _currentLength) _current[at] = _durable[at];
        return at;
    }

    private void Apply((long Offset, byte[] Data, long SetLength) op, int bytes)
    {
        if (op.SetLength >= 0) Resize(ref _durable, ref _durableLength, op.SetLength);
        else WriteInto(ref _durable, ref _durableLength, op.Offset, op.Data.AsSpan(0, bytes));
    }

    private static void WriteInto(ref byte[] buffer, ref long length, long offset, ReadOnlySpan<byte> data)
    {
        long end = offset + data.Length;
        if (end > length) Resize(ref buffer, ref length, end);
        data.CopyTo(buffer.AsSpan((int)offset));
    }

    private static void Resize(ref byte[] buffer, ref long length, long newLength)
    {
        if (newLength > buffer.Length) Array.Resize(ref buffer, (int)Math.Max(newLength, buffer.Length * 2L));
        if (newLength < length) buffer.AsSpan((int)newLength, (int)(length - newLength)).Clear(); // bytes past a shrink read as zero if it grows again
        length = newLength;
    }
}
