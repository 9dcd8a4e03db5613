namespace IpamCleanup.Sandbox;

/// <summary>How to start a <see cref="SandboxServer"/>.</summary>
public sealed class SandboxOptions
{
    public ApiLayout Layout { get; set; } = ApiLayout.V1;

    /// <summary>A <c>v1 List</c> JSON file (as <c>kubectl get ... -o json</c> prints) loaded at start.</summary>
    public string? SeedFile { get; set; }

    /// <summary>A generator spec such as <c>nodes=50,pods=1000,seed=7,leakedPods=20</c> (see <see cref="ScenarioSpec"/>).</summary>
    public string? GenerateSpec { get; set; }

    /// <summary>The bearer token clients must send; anything else is answered 401.</summary>
    public string Token { get; set; } = "sandbox-token";

    /// <summary>
    /// Whether requests without any Authorization header are served (as user system:anonymous).
    /// On by default because kubectl (client-go) drops bearer tokens for http:// servers; a wrong token is always 401.
    /// </summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>Faults active from the start; the server's <see cref="SandboxServer.Faults"/> can change them later.</summary>
    public FaultSettings? Faults { get; set; }

    /// <summary>An allow-list active from the start; null allows everything.</summary>
    public RbacPolicy? Rbac { get; set; }

    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }
}
