namespace IpamCleanup.Bench;

/// <summary>Samples the managed heap every few milliseconds on a background thread and keeps the maxima.</summary>
internal sealed class HeapSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peakTotal;
    private long _peakBeforeGc;

    public HeapSampler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "heap sampler" };
        _thread.Start();
    }

    /// <returns>Peak of <c>GC.GetTotalMemory(false)</c>, and peak heap size before a GC per <see cref="GC.GetGCMemoryInfo()"/>.</returns>
    public (long PeakTotal, long PeakBeforeGc) Stop()
    {
        _stop = true;
        _thread.Join();
        return (_peakTotal, _peakBeforeGc);
    }

    public void Dispose()
    {
        if (!_stop)
        {
            Stop();
        }
    }

    private void Run()
    {
        while (!_stop)
        {
            _peakTotal = Math.Max(_peakTotal, GC.GetTotalMemory(false));
            var info = GC.GetGCMemoryInfo();
            long before = 0;
            foreach (var generation in info.GenerationInfo)
            {
                before += generation.SizeBeforeBytes;
            }

            _peakBeforeGc = Math.Max(_peakBeforeGc, before);
            Thread.Sleep(5);
        }
    }
}
