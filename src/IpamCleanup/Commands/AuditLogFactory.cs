using System.Management.Automation;
using IpamCleanup.Kubernetes;
using IpamCleanup.Kubernetes.Release;

namespace IpamCleanup.Commands;

/// <summary>Opens the audit log for a write cmdlet and enforces $IpamCleanupRequireChangeRequest.</summary>
internal static class AuditLogFactory
{
    public const string RequireChangeRequestVariable = "IpamCleanupRequireChangeRequest";

    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "IpamCleanup", "audit.jsonl");

    /// <summary>
    /// Refuses (terminating ChangeRequestRequired) a run that may write without a change request when the session
    /// requires one; opens the JSON-lines log at <paramref name="path"/> or the default location.
    /// </summary>
    public static CmdletAudit Open(PSCmdlet cmdlet, string? path, string? changeRequest, CalicoClient client) =>
        Open(cmdlet, path, changeRequest, client.ContextName, client.Server);

    public static CmdletAudit Open(PSCmdlet cmdlet, string? path, string? changeRequest, string context, string server)
    {
        if (string.IsNullOrWhiteSpace(changeRequest) && RequiresChangeRequest(cmdlet) && !IsWhatIf(cmdlet))
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"${RequireChangeRequestVariable} is set, and this run has no -ChangeRequest."),
                "ChangeRequestRequired", ErrorCategory.InvalidArgument, null)
            {
                ErrorDetails = new ErrorDetails($"${RequireChangeRequestVariable} is set, and this run has no -ChangeRequest; nothing was written.")
                {
                    RecommendedAction = "Pass the approved change request, e.g. -ChangeRequest CHG0042, or preview with -WhatIf.",
                },
            });
        }

        var resolved = string.IsNullOrEmpty(path) ? DefaultPath : cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            return new CmdletAudit(new JsonLinesAuditSink(resolved), context, server, string.IsNullOrWhiteSpace(changeRequest) ? null : changeRequest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(e, "AuditLogUnavailable", ErrorCategory.WriteError, resolved)
            {
                ErrorDetails = new ErrorDetails($"The audit log '{resolved}' cannot be opened for writing: {e.Message}. Nothing was written.")
                {
                    RecommendedAction = "Pass a writable -AuditPath.",
                },
            });
            throw;
        }
    }

    /// <summary>Opens the log for step records, which are not cluster writes and need no change request.</summary>
    public static CmdletAudit OpenForSteps(PSCmdlet cmdlet, string? path, string? changeRequest, string context, string server)
    {
        var resolved = string.IsNullOrEmpty(path) ? DefaultPath : cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        return new CmdletAudit(new JsonLinesAuditSink(resolved), context, server, string.IsNullOrWhiteSpace(changeRequest) ? null : changeRequest);
    }

    public static bool IsWhatIf(PSCmdlet cmdlet) =>
        (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var value) && value is SwitchParameter { IsPresent: true }) ||
        (!cmdlet.MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference")));

    private static bool RequiresChangeRequest(PSCmdlet cmdlet) =>
        LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue(RequireChangeRequestVariable));
}
