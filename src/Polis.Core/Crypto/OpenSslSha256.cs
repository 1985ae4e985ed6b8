using System.Runtime.InteropServices;

namespace Polis.Core.Crypto;

/// <summary>
/// SHA-256 from the system's OpenSSL (libcrypto 3, the library .NET itself uses on Linux), called
/// through its EVP interface with one digest context per thread. .NET's own wrapper adds a fixed
/// ~0.75 µs a call (error-queue clearing, digest reference counting) and libsodium's portable C
/// has no SHA extensions: measured here (BenchmarkDotNet, one run), SHA-256 of 64 bytes took 334 ns
/// this way against 503 ns through libsodium, and a node computes some twenty such hashes per
/// transfer. Where libcrypto 3 is not found, or its answer to FIPS 180-2's "abc" is wrong, this
/// reports itself unavailable and <see cref="Sha256"/> keeps its other routes.
/// </summary>
internal static unsafe class OpenSslSha256
{
    private static readonly delegate* unmanaged<nint> s_newContext;
    private static readonly delegate* unmanaged<nint, void> s_freeContext;
    private static readonly delegate* unmanaged<nint, nint, nint, int> s_init;
    private static readonly delegate* unmanaged<nint, byte*, nuint, int> s_update;
    private static readonly delegate* unmanaged<nint, byte*, uint*, int> s_final;
    private static readonly nint s_sha256;
    // OpenSSL's crypto.h: load the system configuration, as .NET does, and register no exit handler.
    private const ulong InitLoadConfig = 0x40;
    private const ulong InitNoAtExit = 0x80000;

    [ThreadStatic] private static DigestContext? t_context;

    static OpenSslSha256()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libcrypto.so.3", out var library)) return;
        if (!NativeLibrary.TryGetExport(library, "OPENSSL_init_crypto", out var initCrypto)
            || !NativeLibrary.TryGetExport(library, "EVP_MD_fetch", out var fetch)
            || !NativeLibrary.TryGetExport(library, "EVP_MD_CTX_new", out var newContext)
            || !NativeLibrary.TryGetExport(library, "EVP_MD_CTX_free", out var freeContext)
            || !NativeLibrary.TryGetExport(library, "EVP_DigestInit_ex2", out var init)
            || !NativeLibrary.TryGetExport(library, "EVP_DigestUpdate", out var update)
            || !NativeLibrary.TryGetExport(library, "EVP_DigestFinal_ex", out var final))
            return;
        // Whichever call initialises OpenSSL first decides, for the whole process, whether its
        // cleanup runs at exit. .NET initialises it without (its threads still run when the process
        // exits, and a cleanup under them crashed), but a node hashes before it first uses .NET's
        // cryptography, so this must initialise OpenSSL the same way before anything else.
        if (((delegate* unmanaged<ulong, nint, int>)initCrypto)(InitLoadConfig | InitNoAtExit, 0) != 1) return;
        s_newContext = (delegate* unmanaged<nint>)newContext;
        s_freeContext = (delegate* unmanaged<nint, void>)freeContext;
        s_init = (delegate* unmanaged<nint, nint, nint, int>)init;
        s_update = (delegate* unmanaged<nint, byte*, nuint, int>)update;
        s_final = (delegate* unmanaged<nint, byte*, uint*, int>)final;
        // Fetched once for the process: an EVP_MD is reference-counted and shared by every context.
        ReadOnlySpan<byte> name = "SHA256\0"u8;
        fixed (byte* n = name) s_sha256 = ((delegate* unmanaged<nint, byte*, byte*, nint>)fetch)(0, n, null);
        if (s_sha256 == 0) return;
        Span<byte> abc = stackalloc byte[Hash32.Size];
        Available = TryHash("ab"u8, "c"u8, abc) && Convert.ToHexStringLower(abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    }

    /// <summary>Whether hashes come from OpenSSL in this process.</summary>
    public static bool Available { get; }

    /// <summary>SHA-256(first || second) into <paramref name="output"/> (32 bytes); false if OpenSSL failed.</summary>
    public static bool TryHash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> output)
    {
        if (s_sha256 == 0 || output.Length < Hash32.Size) return false;
        var context = t_context ??= DigestContext.Create();
        if (context is null) return false;
        nint ctx = context.DangerousGetHandle();
        uint written;
        fixed (byte* a = first)
        fixed (byte* b = second)
        fixed (byte* o = output)
        {
            return s_init(ctx, s_sha256, 0) == 1
                && s_update(ctx, a, (nuint)first.Length) == 1
                && (second.IsEmpty || s_update(ctx, b, (nuint)second.Length) == 1)
                && s_final(ctx, o, &written) == 1
                && written == Hash32.Size;
        }
    }

    /// <summary>A thread's digest context, freed by its finalizer when the thread has gone.</summary>
    private sealed class DigestContext : SafeHandle
    {
        private DigestContext(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

        public override bool IsInvalid => handle == 0;

        public static DigestContext? Create()
        {
            nint handle = s_newContext();
            return handle == 0 ? null : new DigestContext(handle);
        }

        protected override bool ReleaseHandle()
        {
            s_freeContext(handle);
            return true;
        }
    }
}
