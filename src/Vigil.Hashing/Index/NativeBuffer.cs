using System.Runtime.InteropServices;

namespace Vigil.Hashing.Index;

/// <summary>
/// Unmanaged memory for the index's large arrays: 64-byte aligned, and on Linux backed by transparent
/// huge pages where the kernel allows (madvise), because lookups at 10M hashes are random reads over
/// about a gigabyte and 4 KiB pages would add a page-table walk to most of them.
/// </summary>
internal sealed unsafe partial class NativeBuffer : IDisposable
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const int MadviseHugePage = 14;

    private void* _pointer;
    private readonly long _pressure;

    /// <summary>Allocates <paramref name="bytes"/> bytes, zeroed when <paramref name="zero"/> is set.</summary>
    public NativeBuffer(long bytes, bool zero)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Length = bytes;
        var size = (nuint)Math.Max(bytes, 64);
        if (size >= HugePage)
        {
            size = (size + HugePage - 1) & ~(HugePage - 1);
            _pointer = NativeMemory.AlignedAlloc(size, HugePage);
            if (OperatingSystem.IsLinux())
            {
                AdviseHugePages(_pointer, size);
            }
        }
        else
        {
            _pointer = NativeMemory.AlignedAlloc(size, 64);
        }
        if (zero)
        {
            NativeMemory.Clear(_pointer, size);
        }
        _pressure = (long)size;
        GC.AddMemoryPressure(_pressure);
    }

    ~NativeBuffer() => Free();

    /// <summary>Usable length in bytes.</summary>
    public long Length { get; }

    /// <summary>Start of the memory (valid until disposed).</summary>
    public void* Pointer => _pointer;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        var pointer = _pointer;
        if (pointer is not null)
        {
            _pointer = null;
            NativeMemory.AlignedFree(pointer);
            GC.RemoveMemoryPressure(_pressure);
        }
    }

    private static void AdviseHugePages(void* pointer, nuint size)
    {
        try
        {
            // Advice only: when the kernel refuses, 4 KiB pages still work.
            _ = Madvise(pointer, size, MadviseHugePage);
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(void* address, nuint length, int advice);
}
