namespace IpamCleanup.Kubernetes.Tests.Release;

/// <summary>A fact that runs only when IPAMCLEANUP_BENCH=1, for measurements too slow for every test run.</summary>
internal sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("IPAMCLEANUP_BENCH") != "1")
        {
            Skip = "Benchmark: set IPAMCLEANUP_BENCH=1 to run it.";
        }
    }
}
