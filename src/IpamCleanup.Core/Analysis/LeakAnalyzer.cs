using IpamCleanup.Core.Snapshot;

namespace IpamCleanup.Core.Analysis;

/// <summary>
/// The leak analysis: a snapshot in, findings out. Pure (no I/O, no clock: the time is <see cref="AnalysisOptions.Now"/>)
/// and linear in the size of the snapshot (one pass over the allocated ordinals, hash joins on address and handle).
/// </summary>
public static class LeakAnalyzer
{
    public static AnalysisResult Analyze(ClusterSnapshot snapshot, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new LeakAnalysisRun(snapshot, options).Run();
    }
}
