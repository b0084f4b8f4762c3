namespace Refinery.Gateway.Domain;

/// <summary>A loss curve cut down to at most a given number of points for a client to draw: the first and the last
/// point always, and between them one point per equal run of the reported points, preferring one that carries a
/// validation loss (those are few: evenly spaced picks would mostly miss them).</summary>
public static class LossCurve
{
    public const int MinPoints = 2, DefaultPoints = 200, MaxPoints = 10_000;

    /// <param name="points">The reported points in step order.</param>
    public static IReadOnlyList<T> Downsample<T>(IReadOnlyList<T> points, int max, Func<T, bool> hasValidation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, MinPoints);
        if (points.Count <= max) return points;
        var kept = new List<T>(max) { points[0] };
        // The points strictly between the first and the last, cut into max - 2 runs of (nearly) equal length.
        var (inner, runs) = (points.Count - 2, max - 2);
        for (var run = 0; run < runs; run++)
        {
            var (from, to) = (1 + (int)((long)run * inner / runs), 1 + (int)((long)(run + 1) * inner / runs));
            var pick = to - 1;
            for (var i = from; i < to; i++)
            {
                if (!hasValidation(points[i])) continue;
                pick = i;
                break;
            }
            kept.Add(points[pick]);
        }
        kept.Add(points[^1]);
        return kept;
    }
}
