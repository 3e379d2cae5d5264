using System.Globalization;
using System.Text;

namespace Edge.Bench.Pipeline;

/// <summary>The restart catch-up table (medians over rounds) and its goal: with the read-back ≤ 2× the time without.</summary>
internal static class CatchUpReport
{
    public static string Markdown(IReadOnlyList<CatchUpResult> results, PipelineOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(string.Create(inv, $"Restart catch-up: gateway SIGKILLed with {options.CatchUpRecords:N0} records unacknowledged (plus {Math.Min(1_000, options.CatchUpRecords):N0} delivered before, which the checkpoint-lost backlog re-reads too), restarted on the same data directory, {options.Connections} connections loading the backlog, {options.CatchUpRounds} round(s); seconds from the restart, median. `outage`: logged while every broker was down, none in Kafka. `checkpoint-lost`: all delivered, then the checkpoint file deleted (the log reopens at 0)."));
        md.AppendLine();
        md.AppendLine("| Kafka:Delivery | backlog | listening s | egress moved s | caught up s | read-back s | skipped | duplicates in Kafka |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var group in results.GroupBy(r => (r.Backlog, r.Delivery)))
        {
            var runs = group.ToList();
            md.AppendLine(string.Create(inv,
                $"| {group.Key.Delivery} | {group.Key.Backlog} | {Median(runs, r => r.ListeningSeconds):0.00} | {Median(runs, r => r.FirstMovedSeconds):0.00} | {Median(runs, r => r.CaughtUpSeconds):0.00} "
                + $"| {Median(runs, r => r.ReadBackSeconds):0.00} | {Median(runs, r => r.Skipped):N0} | {runs.Sum(r => r.Duplicates):N0} |"));
        }

        md.AppendLine();
        md.AppendLine("| goal | target | measured | met |");
        md.AppendLine("|---|---|---:|---|");
        foreach (var backlog in results.Select(r => r.Backlog).Distinct())
        {
            var exactly = Median(results.Where(r => r.Backlog == backlog && r.Delivery == "ExactlyOnce").ToList(), r => r.CaughtUpSeconds);
            var atLeast = Median(results.Where(r => r.Backlog == backlog && r.Delivery == "AtLeastOnce").ToList(), r => r.CaughtUpSeconds);
            var ratio = exactly / atLeast;
            md.AppendLine(string.Create(inv, $"| restart → caught up, ExactlyOnce vs AtLeastOnce ({backlog}) | ≤ 2× | {ratio:0.00}× | {(ratio <= 2 ? "yes" : "**no**")} |"));
        }

        return md.ToString();
    }

    private static double Median(IReadOnlyList<CatchUpResult> runs, Func<CatchUpResult, double> value)
    {
        var sorted = runs.Select(value).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
