# IpamCleanup script module: the compiled cmdlets come from IpamCleanup.dll (NestedModules);
# script functions that compose them live here.
Set-StrictMode -Version Latest

function Invoke-CalicoIpamCleanup {
    <#
    .SYNOPSIS
        Runs the "Cleanup leaked Pod IPs/Blocks" runbook: scan, release IPs, release blocks, retry, and fall back to unlock-only.
    .DESCRIPTION
        One command for the runbook's Jenkins job. Each attempt scans the cluster (Get-CalicoIpamLeak), releases the
        leaked IPs and orphan handles (Remove-CalicoLeakedIp, with -ReleaseIp), then scans again and releases surplus
        empty blocks, blocks of deleted nodes and orphan affinities (Remove-CalicoEmptyBlock, with -ReleaseBlock).
        An attempt fails when a release fails or a step throws; it is then retried from a fresh scan (-RetryCount,
        default 2). When every attempt failed the run falls back to unlock-only, the runbook's third run.

        With -LockDatastore it follows calicoctl's safe sequence: lock, wait -LockSettleTime for in-flight CNI ADDs,
        scan, release, unlock; the datastore is unlocked in `finally` whenever this run locked it, also on Ctrl+C and
        errors. Every step is written to the audit log. -WhatIf previews the whole run and writes nothing.
        The run asks for confirmation once (ConfirmImpact High); -Confirm:$false runs unattended.
    .PARAMETER Context
        Kubeconfig context of the cluster (the runbook's CLUSTER).
    .PARAMETER KubeConfig
        Kubeconfig file(s); default $KUBECONFIG, else ~/.kube/config.
    .PARAMETER ChangeRequest
        The approved change (PROD_TRAIN_REQUEST_ID). Mandatory unless -WhatIf.
    .PARAMETER ReleaseIp
        Release leaked pod IPs, leaked tunnel IPs of deleted nodes and orphan handles (REALEASE_IPS).
    .PARAMETER ReleaseBlock
        Release surplus empty blocks, blocks of deleted nodes and orphan affinities (REALEASE_BLOCKS).
    .PARAMETER UnlockDatastore
        Make sure the datastore is unlocked at the end (UNLOCK_DATASTORE). Alone, it is the unlock-only run.
    .PARAMETER LockDatastore
        Lock the datastore around the scan and release, and always unlock afterwards when this run locked it.
    .PARAMETER RetryCount
        How many times a failed attempt is retried (default 2), before falling back to unlock-only.
    .PARAMETER RetryDelay
        Pause between attempts (default 5 seconds).
    .PARAMETER LockSettleTime
        With -LockDatastore, the wait for in-flight CNI ADDs after locking (default 90 seconds, the CNI timeout).
    .PARAMETER MinimumAge
        Leaks younger than this are not released (default 15 minutes).
    .PARAMETER ThrottleLimit
        Blocks released in parallel (default 4).
    .PARAMETER MaxRequestsPerSecond
        Cap on API requests per second of each release step (default 50). A release costs about 4-5 requests per
        address, so a 10,000-address cleanup at the default takes about 15 minutes; raise it where the API server allows.
    .PARAMETER ReleaseMode
        Classic (default) or Cooldown: how leaked IPs are released (see Remove-CalicoLeakedIp -ReleaseMode). Cooldown
        needs Calico v3.33 or later everywhere and ipCooldownSeconds in the IPAMConfig.
    .PARAMETER AuditPath
        JSON-lines audit log; default IpamCleanup/audit.jsonl in the local application-data folder.
    .PARAMETER BackupPath
        Folder for a kubectl `v1 List` backup of every object about to change, one file per release step and attempt.
    .EXAMPLE
        Invoke-CalicoIpamCleanup -Context prod-eu -ReleaseIp -ReleaseBlock -WhatIf
        Previews the whole run: what would be released, and nothing is written.
    .EXAMPLE
        Invoke-CalicoIpamCleanup -Context prod-eu -ReleaseIp -ReleaseBlock -ChangeRequest CHG0042 -Confirm:$false
        The runbook with SAFETY_OFF, REALEASE_IPS and REALEASE_BLOCKS, retries and the unlock-only fallback included.
    .EXAMPLE
        Invoke-CalicoIpamCleanup -Context prod-eu -UnlockDatastore -ChangeRequest CHG0042
        The runbook's unlock-only run.
    .OUTPUTS
        IpamCleanup.RunSummary: one object per run.
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('IpamCleanup.RunSummary')]
    param(
        [string] $Context,
        [string] $KubeConfig,
        [string] $ChangeRequest,
        [switch] $ReleaseIp,
        [switch] $ReleaseBlock,
        [switch] $UnlockDatastore,
        [switch] $LockDatastore,
        [ValidateRange(0, 10)] [int] $RetryCount = 2,
        [TimeSpan] $RetryDelay = [TimeSpan]::FromSeconds(5),
        [TimeSpan] $LockSettleTime = [TimeSpan]::FromSeconds(90),
        [TimeSpan] $MinimumAge = [TimeSpan]::FromMinutes(15),
        [ValidateRange(1, 64)] [int] $ThrottleLimit = 4,
        [ValidateRange(0.1, 10000)] [double] $MaxRequestsPerSecond = 50,
        [ValidateSet('Classic', 'Cooldown')] [string] $ReleaseMode = 'Classic',
        [string] $AuditPath,
        [string] $BackupPath
    )

    $whatIf = [bool]$WhatIfPreference
    if (-not $ChangeRequest -and -not $whatIf) {
        $PSCmdlet.ThrowTerminatingError([Management.Automation.ErrorRecord]::new(
                [ArgumentException]::new('-ChangeRequest is mandatory unless -WhatIf: every write of the run is recorded against it.'),
                'ChangeRequestRequired', [Management.Automation.ErrorCategory]::InvalidArgument, $null))
    }
    if (-not ($ReleaseIp -or $ReleaseBlock -or $UnlockDatastore -or $LockDatastore)) {
        $PSCmdlet.ThrowTerminatingError([Management.Automation.ErrorRecord]::new(
                [ArgumentException]::new('Nothing to do: choose -ReleaseIp, -ReleaseBlock and/or -UnlockDatastore.'),
                'NothingToDo', [Management.Automation.ErrorCategory]::InvalidArgument, $null))
    }

    $started = [DateTimeOffset]::UtcNow
    $connection = @{}
    if ($Context) { $connection.Context = $Context }
    if ($KubeConfig) { $connection.KubeConfig = $KubeConfig }
    # The run asked once for the whole job; the cmdlets it calls must not prompt again (-Force on Remove-* skips only
    # their bulk prompt, never a re-check).
    $writes = @{ Confirm = $false }
    if ($ChangeRequest) { $writes.ChangeRequest = $ChangeRequest }
    if ($AuditPath) { $writes.AuditPath = $AuditPath }
    $auditPathUsed = if ($AuditPath) { $AuditPath } else {
        Join-Path ([Environment]::GetFolderPath([Environment+SpecialFolder]::LocalApplicationData)) 'IpamCleanup/audit.jsonl'
    }

    $status = Get-CalicoDatastoreStatus @connection -ErrorAction Stop
    if ($ReleaseIp -and $ReleaseMode -eq 'Cooldown') {
        # The same preconditions Remove-CalicoLeakedIp enforces, checked once before the run instead of failing every attempt.
        $problem = if (-not [IpamCleanup.Core.Naming.CalicoVersions]::AtLeast($status.CalicoVersion, 3, 33)) {
            'CooldownReleaseNotSupported', "-ReleaseMode Cooldown needs Calico v3.33 or later; ClusterInformation reports '$($status.CalicoVersion)'."
        }
        elseif (-not ($status.IpCooldownSeconds -gt 0)) {
            'CooldownNotConfigured', '-ReleaseMode Cooldown needs ipCooldownSeconds in the IPAMConfig, which is not set.'
        }
        if ($problem) {
            $record = [Management.Automation.ErrorRecord]::new([InvalidOperationException]::new("$($problem[1]) Nothing was written."),
                $problem[0], [Management.Automation.ErrorCategory]::InvalidOperation, $null)
            $record.ErrorDetails = [Management.Automation.ErrorDetails]::new($record.Exception.Message)
            $record.ErrorDetails.RecommendedAction = 'Use -ReleaseMode Classic (the default), which every Calico version understands.'
            $PSCmdlet.ThrowTerminatingError($record)
        }
    }
    $auditBase = @{ Context = $status.Context; Server = $status.Server; ClusterGuid = $status.ClusterGuid }
    if ($ChangeRequest) { $auditBase.ChangeRequest = $ChangeRequest }
    if ($AuditPath) { $auditBase.AuditPath = $AuditPath }
    $step = {
        param([string] $Name, [string] $Result, [string] $Message)
        Write-Verbose "${Name}: $Result. $Message"
        if (-not $whatIf) { Write-CalicoAuditLog @auditBase -Step $Name -Result $Result -Message $Message }
    }

    $summary = [ordered]@{
        PSTypeName           = 'IpamCleanup.RunSummary'
        Context              = $status.Context
        Server               = $status.Server
        ClusterGuid          = $status.ClusterGuid
        ChangeRequest        = $ChangeRequest
        WhatIf               = $whatIf
        Succeeded            = $false
        Attempts             = 0
        FellBackToUnlock     = $false
        FindingsByKind       = [ordered]@{}
        Released             = 0
        Skipped              = 0
        Failed               = 0
        DatastoreReadyBefore = $status.DatastoreReady
        DatastoreReadyAfter  = $null
        LockedByThisRun      = $false
        Errors               = [Collections.Generic.List[string]]::new()
        Duration             = [TimeSpan]::Zero
        AuditLogPath         = $auditPathUsed
    }

    $plan = @()
    if ($ReleaseIp) { $plan += 'release leaked IPs and handles' }
    if ($ReleaseBlock) { $plan += 'release empty and orphaned blocks' }
    if ($UnlockDatastore -or -not ($ReleaseIp -or $ReleaseBlock)) { $plan += 'unlock the datastore' }
    $target = "Calico IPAM of context '$($status.Context)' (server $($status.Server))"
    if (-not $PSCmdlet.ShouldProcess($target, ($plan -join ', ')) -and -not $whatIf) {
        return
    }
    & $step 'Run' 'Started' "Plan: $($plan -join ', '); datastoreReady $($status.DatastoreReady)."

    $releaseStep = {
        param([int] $Attempt)
        $results = [Collections.Generic.List[object]]::new()
        $backup = { param($Name) if ($BackupPath) { @{ BackupPath = (Join-Path $BackupPath "attempt$Attempt-$Name.json") } } else { @{} } }
        if ($ReleaseIp) {
            $leaks = @(Get-CalicoIpamLeak @connection -MinimumAge $MinimumAge -ErrorAction Stop)
            $summary.FindingsByKind = [ordered]@{}
            foreach ($group in $leaks | Group-Object Kind) { $summary.FindingsByKind[$group.Name] = $group.Count }
            $ipLeaks = @($leaks | Where-Object { $_.Releasable -and $_.Kind -in 'LeakedIp', 'LeakedTunnelIp', 'OrphanHandle' })
            & $step 'Scan' 'Succeeded' "Attempt ${Attempt}: $($leaks.Count) findings, $($ipLeaks.Count) releasable IPs and handles."
            if ($ipLeaks.Count -gt 0) {
                $ipBackup = & $backup 'ips'
                $released = @($ipLeaks | Remove-CalicoLeakedIp @connection @writes @ipBackup -Force -MinimumAge $MinimumAge -ThrottleLimit $ThrottleLimit -MaxRequestsPerSecond $MaxRequestsPerSecond -ReleaseMode $ReleaseMode)
                foreach ($r in $released) { $results.Add($r) }
            }
        }
        if ($ReleaseBlock) {
            $blocks = @(Get-CalicoIpamLeak @connection -MinimumAge $MinimumAge -Kind EmptyBlock, DeletedNodeBlock, OrphanAffinity -ErrorAction Stop)
            if (-not $ReleaseIp) { $summary.FindingsByKind = [ordered]@{} }
            foreach ($group in $blocks | Group-Object Kind) { $summary.FindingsByKind[$group.Name] = $group.Count }
            $releasableBlocks = @($blocks | Where-Object Releasable)
            & $step 'Scan' 'Succeeded' "Attempt ${Attempt}: $($releasableBlocks.Count) releasable blocks and affinities."
            if ($releasableBlocks.Count -gt 0) {
                $blockBackup = & $backup 'blocks'
                $released = @($releasableBlocks | Remove-CalicoEmptyBlock @connection @writes @blockBackup -Force -ThrottleLimit $ThrottleLimit -MaxRequestsPerSecond $MaxRequestsPerSecond)
                foreach ($r in $released) { $results.Add($r) }
            }
        }
        , $results
    }

    $lockedHere = $false
    try {
        if ($LockDatastore) {
            $lock = Lock-CalicoDatastore @connection @writes -ErrorAction Stop
            $lockedHere = [bool]$lock.Changed
            $summary.LockedByThisRun = $lockedHere
            & $step 'Lock' $(if ($lockedHere) { 'Succeeded' } else { 'Skipped' }) $lock.Message
            if ($lockedHere -and -not $whatIf -and $LockSettleTime -gt [TimeSpan]::Zero) {
                Write-Verbose "Waiting $LockSettleTime for CNI ADDs that passed the readiness check before the lock."
                Start-Sleep -Milliseconds ([int]$LockSettleTime.TotalMilliseconds)
            }
        }

        if ($ReleaseIp -or $ReleaseBlock) {
            for ($attempt = 1; $attempt -le $RetryCount + 1; $attempt++) {
                $summary.Attempts = $attempt
                try {
                    $results = & $releaseStep $attempt
                    $failed = @($results | Where-Object { "$($_.Status)" -eq 'Failed' })
                    $summary.Released = @($results | Where-Object { "$($_.Status)" -eq 'Released' }).Count
                    $summary.Skipped = @($results | Where-Object { "$($_.Status)" -eq 'Skipped' }).Count
                    $summary.Failed = $failed.Count
                    if ($failed.Count -eq 0) {
                        & $step 'Attempt' 'Succeeded' "Attempt ${attempt}: released $($summary.Released), skipped $($summary.Skipped)."
                        $summary.Succeeded = $true
                        break
                    }
                    $message = "Attempt ${attempt}: $($failed.Count) releases failed ($(($failed | Select-Object -First 3 | ForEach-Object { $_.Message }) -join '; '))."
                }
                catch [Management.Automation.PipelineStoppedException] {
                    throw
                }
                catch {
                    $message = "Attempt ${attempt} failed: $($_.Exception.Message)"
                }
                $summary.Errors.Add($message)
                & $step 'Attempt' 'Failed' $message
                Write-Warning $message
                if ($attempt -le $RetryCount -and -not $whatIf) { Start-Sleep -Milliseconds ([int]$RetryDelay.TotalMilliseconds) }
            }
        }
        else {
            $summary.Succeeded = $true
        }
    }
    finally {
        if ($lockedHere) {
            # Always give back a lock this run took, also when it was stopped or failed.
            try {
                $unlock = Unlock-CalicoDatastore @connection @writes -ErrorAction Stop
                & $step 'Unlock' 'Succeeded' "Unlocked the lock this run took: $($unlock.Message)"
            }
            catch {
                $summary.Errors.Add("Unlock failed: $($_.Exception.Message)")
                & $step 'Unlock' 'Failed' $_.Exception.Message
                Write-Error -ErrorRecord $_ -ErrorAction Continue
            }
        }
    }

    $mustUnlock = $UnlockDatastore -or -not ($ReleaseIp -or $ReleaseBlock)
    if (-not $summary.Succeeded) {
        $summary.FellBackToUnlock = $true
        $mustUnlock = $true
        & $step 'Fallback' 'Started' 'Every attempt failed: falling back to unlock-only, as the runbook''s third run.'
    }
    if ($mustUnlock) {
        try {
            $unlock = Unlock-CalicoDatastore @connection @writes -ErrorAction Stop
            & $step 'Unlock' $(if ($unlock.Changed) { 'Succeeded' } else { 'Skipped' }) $unlock.Message
            if (-not ($ReleaseIp -or $ReleaseBlock)) { $summary.Succeeded = $true }
        }
        catch {
            $summary.Errors.Add("Unlock failed: $($_.Exception.Message)")
            & $step 'Unlock' 'Failed' $_.Exception.Message
            Write-Error -ErrorRecord $_ -ErrorAction Continue
            $summary.Succeeded = $false
        }
    }

    $summary.DatastoreReadyAfter = (Get-CalicoDatastoreStatus @connection -ErrorAction Stop).DatastoreReady
    $summary.Duration = [DateTimeOffset]::UtcNow - $started
    & $step 'Run' $(if ($summary.Succeeded) { 'Succeeded' } else { 'Failed' }) "Released $($summary.Released), skipped $($summary.Skipped), failed $($summary.Failed) in $($summary.Attempts) attempts; datastoreReady $($summary.DatastoreReadyAfter)."
    [pscustomobject]$summary
}
