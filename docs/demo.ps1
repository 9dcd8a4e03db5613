#requires -Version 7.4
<#
.SYNOPSIS
    The demo behind `build.ps1 Demo`: a sandbox API server with a generated leaky cluster, and the cleanup job against it.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $SandboxDll,
    [string] $Generate = 'nodes=40,pods=1200,seed=42,leakedPods=60,deletedNodes=2,orphanHandles=25,emptyBlocks=12'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
Import-Module (Join-Path $PSScriptRoot '../tests/pester/TestHelpers.psm1') -Force
$env:IPAMCLEANUP_SANDBOX_DLL = $SandboxDll

function Show-Step([string] $Text) { Write-Host "`n=== $Text" -ForegroundColor Cyan }

Show-Step "Starting the sandbox API server with a generated cluster ($Generate)"
$sandbox = Start-TestSandbox -Generate $Generate
$work = Join-Path ([IO.Path]::GetTempPath()) ('ipamcleanup-demo-' + [guid]::NewGuid().ToString('n'))
$null = New-Item -ItemType Directory -Path $work
$audit = Join-Path $work 'audit.jsonl'
try {
    Write-Host "listening on $($sandbox.Uri); kubeconfig $($sandbox.KubeConfig)"

    Show-Step 'kubectl sees it as a Kubernetes API server'
    & kubectl --kubeconfig $sandbox.KubeConfig get nodes 2>&1 | Select-Object -First 5
    & kubectl --kubeconfig $sandbox.KubeConfig get ipamblocks.crd.projectcalico.org 2>&1 | Select-Object -First 5

    Show-Step 'Get-CalicoDatastoreStatus'
    Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig |
        Format-List Context, Server, ApiVersion, CalicoVersion, ClusterGuid, DatastoreReady, LeakGracePeriod, BlockCount, HandleCount, AffinityCount, PoolCount

    Show-Step 'Get-CalicoIpamLeak -Summary'
    $before = Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Summary
    $before.FindingCounts.GetEnumerator() | Sort-Object Key |
        Select-Object @{ n = 'Kind'; e = { $_.Key } }, @{ n = 'Findings'; e = { $_.Value } }, @{ n = 'Releasable'; e = { $before.ReleasableCounts[$_.Key] } } |
        Format-Table -AutoSize
    $before.Pools | Format-Table Name, Cidr, Size, Allocated, Free -AutoSize

    Show-Step 'Get-CalicoIpamLeak (first findings)'
    Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig | Select-Object -First 12 | Format-Table

    Show-Step 'Invoke-CalicoIpamCleanup -WhatIf (the preview: nothing is written)'
    $preview = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseBlock -WhatIf -AuditPath $audit 6>$null
    $stats = Invoke-RestMethod "$($sandbox.Uri)/sandbox/stats"
    Write-Host "Writes during the preview: $($stats.totalWrites)"
    $preview | Format-List Context, WhatIf, FindingsByKind

    Show-Step 'Invoke-CalicoIpamCleanup (the real run)'
    $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseBlock -ChangeRequest DEMO-0001 -Confirm:$false -AuditPath $audit -MinimumAge 00:15:00
    $run | Format-List Succeeded, Attempts, Released, Skipped, Failed, DatastoreReadyBefore, DatastoreReadyAfter, Duration, AuditLogPath

    Show-Step 'After the run: Get-CalicoIpamLeak -Summary'
    $after = Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Summary
    $after.FindingCounts.GetEnumerator() | Sort-Object Key |
        Select-Object @{ n = 'Kind'; e = { $_.Key } }, @{ n = 'Findings'; e = { $_.Value } }, @{ n = 'Releasable'; e = { $after.ReleasableCounts[$_.Key] } } |
        Format-Table -AutoSize
    $left = ($after.ReleasableCounts.Values | Measure-Object -Sum).Sum
    Write-Host "Releasable findings left: $left" -ForegroundColor $(if ($left -eq 0) { 'Green' } else { 'Red' })

    Show-Step "Audit log ($audit), first lines"
    Get-Content $audit | Select-Object -First 5
    if (-not $run.Succeeded -or $left -ne 0) { throw 'The demo run did not leave the cluster clean.' }
}
finally {
    Stop-TestSandbox $sandbox
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
