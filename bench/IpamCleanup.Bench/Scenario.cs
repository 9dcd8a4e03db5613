namespace IpamCleanup.Bench;

/// <summary>
/// A named measurement. <see cref="Groups"/> lets <c>--scenario read</c> select several; <c>all</c> selects every
/// scenario. Scenarios run in registration order and may use values earlier ones stored in <see cref="BenchContext.Times"/>.
/// </summary>
internal sealed record Scenario(string Name, string[] Groups, string Description, Func<BenchContext, Task> RunAsync);
