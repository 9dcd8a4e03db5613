using System.Diagnostics;

namespace IpamCleanup.Bench;

/// <summary>
/// Runs actions <c>warmups</c> times unmeasured and then <c>runs</c> times, and reports median wall and process CPU
/// times. Compared actions run interleaved (A, B, A, B, ...) so that both see the same machine load.
/// </summary>
internal static class Measurement
{
    public static async Task<Timing> MedianAsync(int warmups, int runs, Func<Task> action) => (await CompareAsync(warmups, runs, action))[0];

    public static async Task<Timing[]> CompareAsync(int warmups, int runs, params Func<Task>[] actions)
    {
        for (var w = 0; w < warmups; w++)
        {
            foreach (var action in actions)
            {
                await action();
            }
        }

        var samples = actions.Select(_ => new List<Timing>()).ToArray();
        for (var i = 0; i < runs; i++)
        {
            for (var a = 0; a < actions.Length; a++)
            {
                Collect();
                var process = Process.GetCurrentProcess();
                var cpu = process.TotalProcessorTime;
                var stopwatch = Stopwatch.StartNew();
                await actions[a]();
                var wall = stopwatch.Elapsed;
                process.Refresh();
                samples[a].Add(new Timing(wall, process.TotalProcessorTime - cpu));
                Console.Error.WriteLine($"    run {i + 1}/{runs}{(actions.Length > 1 ? $" [{(char)('A' + a)}]" : "")}: {Seconds(wall)} wall, {Seconds(process.TotalProcessorTime - cpu)} CPU");
            }
        }

        return samples.Select(s => new Timing(Median(s.Select(t => t.Wall)), Median(s.Select(t => t.Cpu)))).ToArray();
    }

    /// <summary>A full blocking, compacting collection, so one measurement does not pay for the previous one's garbage.</summary>
    public static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static string Seconds(TimeSpan time) => $"{time.TotalSeconds:0.00} s";

    public static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):0} MB";

    public static string Ratio(double ratio) => $"{ratio:0.00}×";

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>Wall-clock time and the process's CPU time (all threads, the in-process sandbox included) of one run.</summary>
internal readonly record struct Timing(TimeSpan Wall, TimeSpan Cpu);
