namespace IpamCleanup.Core;

/// <summary>
/// A failure with a stable <see cref="ErrorId"/> that cmdlets turn into an ErrorRecord. <see cref="Category"/> is the
/// name of a PowerShell ErrorCategory value (kept as text so Core does not depend on PowerShell).
/// Messages never contain tokens, keys or passwords.
/// </summary>
public class IpamCleanupException : Exception
{
    public IpamCleanupException(string errorId, string category, string message, string recommendedAction, string? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        RecommendedAction = recommendedAction;
        Target = target;
    }

    public string ErrorId { get; }

    public string Category { get; }

    public string RecommendedAction { get; }

    public string? Target { get; }
}
