using System.Globalization;

namespace Vigil.Bench;

/// <summary>
/// The whole machine's CPU use from Linux's <c>/proc/stat</c>: every process counts, so a PostgreSQL server on the
/// same machine is included. This is the figure that bounds a node's throughput: events/s at full use of every core
/// is the core count divided by the CPU time one event costs.
/// </summary>
public static class MachineCpu
{
    private const string StatPath = "/proc/stat";

    /// <summary>The machine-wide counters now, or null where <c>/proc/stat</c> cannot be read (not Linux).</summary>
    public static CpuCounters? Read()
    {
        try
        {
            using var reader = new StreamReader(StatPath);
            return reader.ReadLine() is { } line ? Parse(line) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses the aggregate <c>cpu</c> line: user nice system idle iowait irq softirq steal [guest guest_nice].
    /// Busy is user+nice+system+irq+softirq (guest time is already inside user); idle, iowait and steal are not
    /// this machine's work.
    /// </summary>
    /// <exception cref="FormatException">Not an aggregate cpu line with at least eight counters.</exception>
    public static CpuCounters Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            throw new FormatException($"not the aggregate cpu line of {StatPath}: '{line}'");
        }
        var v = new long[8];
        for (var i = 0; i < v.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out v[i]))
            {
                throw new FormatException($"{StatPath}: counter {i + 1} of the cpu line is not a number: '{fields[i + 1]}'");
            }
        }
        var busy = v[0] + v[1] + v[2] + v[5] + v[6];
        return new CpuCounters(busy, busy + v[3] + v[4] + v[7]);
    }
}

/// <summary>Machine-wide busy and total CPU ticks since boot, summed over all cores.</summary>
public readonly record struct CpuCounters(long Busy, long Total)
{
    /// <summary>The share of all cores' time that was busy between <paramref name="earlier"/> and this reading (0 to 1).</summary>
    public double BusyFractionSince(CpuCounters earlier) =>
        Total > earlier.Total ? Math.Clamp((double)(Busy - earlier.Busy) / (Total - earlier.Total), 0, 1) : 0;
}
