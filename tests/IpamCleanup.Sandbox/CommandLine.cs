namespace IpamCleanup.Sandbox;

/// <summary>The standalone sandbox's arguments.</summary>
internal sealed class CommandLine
{
    public const string Usage = """
        usage: IpamCleanup.Sandbox --kubeconfig PATH [--seed FILE.json] [--layout v1|v3|both]
                                   [--generate SPEC] [--faults SPEC] [--rbac RULES] [--token TOKEN]
                                   [--port N] [--ignore-stdin]
               IpamCleanup.Sandbox --generate SPEC --write-list FILE.json [--layout v1|v3|both]

          --kubeconfig PATH   write a kubeconfig (context "sandbox") for the server to PATH
          --seed FILE         load a v1 List (kubectl get ... -o json) at start
          --layout            v1 (crd.projectcalico.org, default), v3 (projectcalico.org) or both
          --generate SPEC     generate a cluster, e.g. nodes=50,pods=1000,seed=7,leakedPods=20,deletedNodes=2,
                              orphanHandles=10,emptyBlocks=5,dualStack=false,tunnel=vxlan
          --faults SPEC       latencyMs=2,conflictRate=0.3,tooManyRequestsRate=0.1,retryAfterSeconds=1,
                              serverErrorRate=0.05,dropRate=0.05,expireContinueRate=0.2,seed=1
          --rbac RULES        allow only these "verb resource" rules, e.g. "list pods,get ipamblocks"
          --token TOKEN       bearer token clients must send (default sandbox-token)
          --port N            listen on 127.0.0.1:N (default 0: any free port)
          --ignore-stdin      keep running when stdin closes (otherwise closing stdin stops the server)
          --write-list FILE   with --generate: write the scenario as a v1 List and exit
        Prints "listening on http://127.0.0.1:PORT" once ready; stops on SIGTERM, Ctrl+C or end of stdin.
        Admin: GET /sandbox/stats, POST /sandbox/reset-stats, GET|POST /sandbox/faults, GET|POST /sandbox/rbac,
               GET /sandbox/dump, POST /sandbox/seed, POST /sandbox/clear, POST /sandbox/expire-continue, GET|POST /sandbox/cni
        """;

    public SandboxOptions Options { get; } = new();

    public string? KubeconfigPath { get; private set; }

    public string? WriteListPath { get; private set; }

    public bool IgnoreStdin { get; private set; }

    public bool Help { get; private set; }

    public static CommandLine Parse(string[] args)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--kubeconfig": result.KubeconfigPath = Value(); break;
                case "--seed": result.Options.SeedFile = Value(); break;
                case "--layout": result.Options.Layout = Enum.Parse<ApiLayout>(Value(), ignoreCase: true); break;
                case "--generate": result.Options.GenerateSpec = Value(); break;
                case "--faults": result.Options.Faults = FaultSettings.Parse(Value()); break;
                case "--rbac": result.Options.Rbac = RbacPolicy.Parse(Value()); break;
                case "--token": result.Options.Token = Value(); break;
                case "--port": result.Options.Port = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--ignore-stdin": result.IgnoreStdin = true; break;
                case "--write-list": result.WriteListPath = Value(); break;
                case "--help" or "-h": result.Help = true; break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if (result.WriteListPath is not null && result.Options.GenerateSpec is null)
        {
            throw new ArgumentException("--write-list needs --generate.");
        }

        return result;
    }
}
