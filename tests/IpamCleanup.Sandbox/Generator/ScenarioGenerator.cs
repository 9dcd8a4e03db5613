namespace IpamCleanup.Sandbox;

/// <summary>
/// Builds deterministic, Calico-consistent clusters: the same spec always yields byte-identical objects.
/// <code>var scenario = ScenarioGenerator.Generate(ScenarioSpec.Parse("nodes=50,pods=1000,leakedPods=20"));
/// store.Seed(scenario.Items());</code>
/// </summary>
public static class ScenarioGenerator
{
    public static GeneratedScenario Generate(ScenarioSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new GeneratedScenario(new ScenarioPlanner(spec).Plan());
    }

    public static GeneratedScenario Generate(string spec) => Generate(ScenarioSpec.Parse(spec));
}
