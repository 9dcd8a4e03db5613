using System.Globalization;

namespace IpamCleanup.Bench;

/// <summary>Command line: <c>[--nodes 5000] [--pods 150000] [--quick] [--scenario read|export|analyze|leak|release|all|NAME[,NAME]] [--runs 3] [--warmups 2] [--page-size 500]</c>.</summary>
internal sealed record BenchOptions
{
    public int Nodes { get; init; } = 5000;

    public int Pods { get; init; } = 150_000;

    public bool Quick { get; init; }

    /// <summary>Scenario names or group names, comma-separated.</summary>
    public string Scenario { get; init; } = "read";

    /// <summary>Measured runs per measurement, after the warm-up runs; the median is reported.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Unmeasured runs first, so the JIT has tiered up the hot paths (tiered PGO needs a few passes).</summary>
    public int Warmups { get; init; } = 2;

    public int PageSize { get; init; } = 500;

    /// <summary>Prints CalicoClient's verbose log (per-resource timings) to stderr.</summary>
    public bool Verbose { get; init; }

    /// <summary>Extra generator keys for the sandbox (e.g. <c>leakedPods=200,orphanHandles=100</c>).</summary>
    public string? Generate { get; init; }

    public string GeneratorSpec => $"nodes={Nodes},pods={Pods},seed=7" + (string.IsNullOrEmpty(Generate) ? "" : "," + Generate);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        bool nodesSet = false, podsSet = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--nodes":
                    options = options with { Nodes = int.Parse(Value(), CultureInfo.InvariantCulture) };
                    nodesSet = true;
                    break;
                case "--pods":
                    options = options with { Pods = int.Parse(Value(), CultureInfo.InvariantCulture) };
                    podsSet = true;
                    break;
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--scenario":
                    options = options with { Scenario = Value() };
                    break;
                case "--runs":
                    options = options with { Runs = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture)) };
                    break;
                case "--warmups":
                    options = options with { Warmups = Math.Max(0, int.Parse(Value(), CultureInfo.InvariantCulture)) };
                    break;
                case "--page-size":
                    options = options with { PageSize = int.Parse(Value(), CultureInfo.InvariantCulture) };
                    break;
                case "--verbose":
                    options = options with { Verbose = true };
                    break;
                case "--generate":
                    options = options with { Generate = Value() };
                    break;
                case "-h" or "--help":
                    throw new ArgumentException("usage");
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if (options.Quick)
        {
            options = options with { Nodes = nodesSet ? options.Nodes : 500, Pods = podsSet ? options.Pods : 15_000 };
        }

        return options;
    }

    public const string Usage =
        "dotnet run -c Release --project bench/IpamCleanup.Bench -- [--nodes 5000 --pods 150000] [--quick] " +
        "[--scenario read|export|analyze|leak|release|all|<name>[,<name>]] [--runs 3] [--warmups 2] [--page-size 500] [--generate leakedPods=200,...] [--verbose]";
}
