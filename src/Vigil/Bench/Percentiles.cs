namespace Vigil.Bench;

/// <summary>The one percentile every benchmark and the referrals page report.</summary>
public static class Percentiles
{
    /// <summary>Nearest-rank percentile (<paramref name="p"/> in 0..1) of an ascending list; null when empty.</summary>
    public static double? NearestRank(IReadOnlyList<double> ascending, double p)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        if (ascending.Count == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(p * ascending.Count);
        return ascending[Math.Clamp(rank - 1, 0, ascending.Count - 1)];
    }
}
