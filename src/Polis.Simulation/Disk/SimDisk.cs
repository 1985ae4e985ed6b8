using Polis.Consensus.Wal;

namespace Polis.Simulation.Disk;

/// <summary>
/// A simulated disk under the real journal code (<see cref="IWalDirectory"/>). What a process writes
/// it sees at once; what survives a crash is only what was synced: at <see cref="Crash"/> each
/// unsynced write is kept, lost or torn (a prefix written), in any combination, and directory
/// changes since the last directory sync are all kept or all lost. <see cref="CorruptSector"/>
/// damages durable bytes, as a failing disk does. Seeded: the same seed, the same damage.
/// </summary>
public sealed class SimDisk(Random random) : IWalDirectory
{
    public const int SectorBytes = 512;

    private Dictionary<string, SimFile> _entries = new();
    private Dictionary<string, SimFile> _durableEntries = new();
    private long _operationsLeft = long.MaxValue;

    /// <summary>Makes the <paramref name="operations"/>-th mutating call from now throw <see cref="SimulatedCrashException"/> (the process dies there).</summary>
    public void CrashAfter(long operations) => _operationsLeft = operations;
    public long Writes { get; private set; }
    public long Syncs { get; private set; }

    public bool Exists(string name) => _entries.ContainsKey(name);

    public IWalFile Open(string name) =>
        _entries.TryGetValue(name, out var file) ? new Handle(this, file) : throw new FileNotFoundException($"no file {name} on the simulated disk");

    public IWalFile Create(string name)
    {
        Operation();
        var file = new SimFile();
        _entries[name] = file;
        return new Handle(this, file);
    }

    public void Rename(string from, string to)
    {
        Operation();
        if (!_entries.Remove(from, out var file)) throw new FileNotFoundException($"no file {from} on the simulated disk");
        _entries[to] = file;
    }

    public void Delete(string name)
    {
        Operation();
        _entries.Remove(name);
    }

    public void Sync()
    {
        Operation();
        Syncs++;
        _durableEntries = new Dictionary<string, SimFile>(_entries);
    }

    public string Describe(string name) => $"simulated disk:{name}";

    private bool _locked;

    /// <summary>One owner at a time, as flock(2) gives; a crash lets go.</summary>
    public IDisposable Lock()
    {
        if (_locked) throw new IOException("the simulated disk's journal is in use");
        _locked = true;
        return new Release(this);
    }

    private sealed class Release(SimDisk disk) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            disk._locked = false;
        }
    }

    /// <summary>The process died: keeps what was synced and a random part of what was not.</summary>
    public void Crash()
    {
        _operationsLeft = long.MaxValue;
        _locked = false;
        if (random.Next(2) == 0) _durableEntries = new Dictionary<string, SimFile>(_entries); // the directory's unsynced changes happened to reach the disk
        _entries = new Dictionary<string, SimFile>(_durableEntries);
        foreach (var file in _entries.Values.Distinct()) file.Crash(random);
    }

    /// <summary>Damages one sector of a file's durable bytes; returns its offset, or -1 if the file is empty or absent.</summary>
    public long CorruptSector(string name)
    {
        if (!_entries.TryGetValue(name, out var file) || file.DurableLength == 0) return -1;
        return file.Corrupt(random);
    }

    public IEnumerable<string> Files => _entries.Keys;
    public long LengthOf(string name) => _entries.TryGetValue(name, out var f) ? f.Length : -1;

    private void Operation()
    {
        if (--_operationsLeft < 0) throw new SimulatedCrashException();
    }

    private sealed class Handle(SimDisk disk, SimFile file) : IWalFile
    {
        public long Length => file.Length;
        public int Read(long offset, Span<byte> into) => file.Read(offset, into);
        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            disk.Operation();
            disk.Writes++;
            file.Write(offset, data);
        }
        public void SetLength(long length)
        {
            disk.Operation();
            file.SetLength(length);
        }
        public void Sync()
        {
            disk.Operation();
            disk.Syncs++;
            file.Sync();
        }
        public void Dispose() { }
    }
}

/// <summary>Thrown by <see cref="SimDisk"/> where a crash was scheduled: the write or sync did not happen.</summary>
public sealed class SimulatedCrashException() : Exception("simulated crash");
