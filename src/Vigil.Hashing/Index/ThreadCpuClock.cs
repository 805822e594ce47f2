using System.Runtime.InteropServices;

namespace Vigil.Hashing.Index;

/// <summary>
/// CPU time of the calling thread (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)), so a benchmark on a
/// shared machine can report throughput per CPU-second next to wall-clock figures.
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether the clock is available (Linux only).</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux() && TryRead(out _);

    /// <summary>Seconds of CPU time used by this thread so far, or NaN where unsupported.</summary>
    public static double Seconds() => IsSupported && TryRead(out var seconds) ? seconds : double.NaN;

    private static bool TryRead(out double seconds)
    {
        seconds = 0;
        try
        {
            if (ClockGetTime(ClockThreadCpuTimeId, out var ts) != 0)
            {
                return false;
            }
            seconds = ts.Seconds + (ts.Nanoseconds * 1e-9);
            return true;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
