namespace IpamCleanup.Sandbox;

/// <summary>How the simulated CNI behaves.</summary>
public sealed class CniSimulatorOptions
{
    /// <summary>Pod ADDs plus DELs per second, across all workers.</summary>
    public double RatePerSecond { get; set; } = 10;

    /// <summary>null seeds from the clock; a seed makes the choices (not the interleaving with clients) repeatable.</summary>
    public int? Seed { get; set; }

    /// <summary>Operations running at once, so the simulator races with itself as kubelets on many nodes do.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Namespace of the pods it creates.</summary>
    public string Namespace { get; set; } = "default";

    /// <summary>Whether DELs may also pick pods that existed before the simulator started (generated ones).</summary>
    public bool DeletePreexistingPods { get; set; } = true;

    /// <summary>
    /// Test seam: runs with the block's name after an ADD has incremented its handle and edited the block it read,
    /// right before its compare-and-swap write of that block, so a test can change the datastore at that point.
    /// </summary>
    public Action<string>? BeforeAllocationWrite { get; set; }
}
