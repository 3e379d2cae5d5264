namespace Edge.HardwareTests.Soak;

/// <summary>The least-squares line through points (x, y): its slope in y per x, and the intercept.</summary>
internal static class LeastSquares
{
    /// <summary>Slope and intercept; a slope of 0 for fewer than two distinct x values.</summary>
    public static (double Slope, double Intercept) Fit(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count == 0)
        {
            return (0, 0);
        }

        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        if (sxx == 0)
        {
            return (0, meanY);
        }

        var slope = points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / sxx;
        return (slope, meanY - (slope * meanX));
    }
}
