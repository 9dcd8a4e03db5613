#requires -Modules Pester
# Invoke-CalicoIpamCleanup: one case per path of the runbook (shared/seed-runbook.md), against the sandbox.
BeforeAll {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:leaky = 'nodes=5,pods=30,seed=31,leakedPods=5,deletedNodes=1,orphanHandles=2,emptyBlocks=2'
    $script:infoPath = '/apis/crd.projectcalico.org/v1/clusterinformations/default'
    function script:Get-Ready($sandbox) { (Get-SandboxObject $sandbox $infoPath).spec.datastoreReady }
    # Every read, and every write except block updates and deletes: address releases fail with 403.
    $script:denyBlockWrites = foreach ($resource in 'pods', 'nodes', 'services', 'namespaces', 'ipamblocks', 'ipamhandles', 'blockaffinities',
        'ipamconfigs', 'clusterinformations', 'ippools', 'kubecontrollersconfigurations', 'datastoremigrations') {
        "get $resource"; "list $resource"
    }
    $script:denyBlockWrites += 'update ipamhandles', 'delete ipamhandles', 'update blockaffinities', 'delete blockaffinities', 'update clusterinformations'

    function script:Start-Cleanup([hashtable] $Parameters) {
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($module, $parameters)
                Import-Module $module
                Invoke-CalicoIpamCleanup @parameters
            }).AddArgument($env:IPAMCLEANUP_MODULE).AddArgument($Parameters)
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
    function script:Wait-Until([scriptblock] $Condition, [int] $Seconds = 60) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out waiting for: $Condition" }
            Start-Sleep -Milliseconds 100
        }
    }
}

Describe 'Invoke-CalicoIpamCleanup' {
    It 'on a clean cluster: one attempt, nothing released, nothing written' {
        $sandbox = Start-TestSandbox -Generate 'nodes=3,pods=12,seed=2'
        try {
            # The generated cluster has surplus empty blocks; the first run makes it clean.
            $null = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseBlock -ChangeRequest CHG1 -Confirm:$false -AuditPath (Join-Path $TestDrive 'a.jsonl')
            Reset-SandboxWrite $sandbox
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseBlock -ChangeRequest CHG1 -Confirm:$false -AuditPath (Join-Path $TestDrive 'a.jsonl')
            $run.Succeeded | Should -BeTrue
            $run.Attempts | Should -Be 1
            $run.Released | Should -Be 0
            $run.FellBackToUnlock | Should -BeFalse
            (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'releases the leaks and blocks, and leaves nothing releasable' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            $audit = Join-Path $TestDrive 'b.jsonl'
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseBlock -ChangeRequest CHG2 -Confirm:$false -AuditPath $audit
            $run.Succeeded | Should -BeTrue
            $run.Released | Should -BeGreaterOrEqual 10
            $run.Failed | Should -Be 0
            $run.FindingsByKind['LeakedIp'] | Should -BeGreaterOrEqual 5
            $run.DatastoreReadyBefore | Should -Be 'true'
            $run.DatastoreReadyAfter | Should -Be 'true'
            @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig | Where-Object Releasable) | Should -BeNullOrEmpty
            $steps = Get-Content $audit | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object kind -EQ 'Run'
            $steps.action | Should -Contain 'Scan'
            $steps.action | Should -Contain 'Attempt'
            ($steps | Where-Object action -EQ 'Run').result | Should -Contain 'Succeeded'
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'releases with -ReleaseMode Cooldown on a v3.33 cluster: the leaked addresses end up cooling down' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            Set-SandboxCalicoSpec $sandbox 'clusterinformations' @{ calicoVersion = 'v3.33.1' }
            Set-SandboxCalicoSpec $sandbox 'ipamconfigs' @{ ipCooldownSeconds = 900 }
            $leaked = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp | Where-Object Releasable).IP
            $leaked.Count | Should -BeGreaterOrEqual 5
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseMode Cooldown -ChangeRequest CHG6 -Confirm:$false -AuditPath (Join-Path $TestDrive 'c.jsonl')
            $run.Succeeded | Should -BeTrue
            $run.Failed | Should -Be 0
            $cooling = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -IncludeHealthy -Kind CoolingDown).IP
            foreach ($ip in $leaked) { $cooling | Should -Contain $ip }
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'retries a failed attempt and succeeds when the fault clears' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            $audit = Join-Path $TestDrive 'c.jsonl'
            Set-SandboxRbac $sandbox -Allow $denyBlockWrites
            $job = Start-Cleanup @{ KubeConfig = $sandbox.KubeConfig; ReleaseIp = $true; ChangeRequest = 'CHG3'; Confirm = $false; AuditPath = $audit; RetryDelay = [TimeSpan]::FromSeconds(2) }
            Wait-Until { (Test-Path $audit) -and (Select-String -Path $audit -Pattern '"action":"Attempt","result":"Failed"' -Quiet) }
            Set-SandboxRbac $sandbox -Allow $null
            $run = $job.PowerShell.EndInvoke($job.Handle) | Select-Object -Last 1
            $run.Succeeded | Should -BeTrue
            $run.Attempts | Should -Be 2
            $run.Errors.Count | Should -Be 1
            $run.FellBackToUnlock | Should -BeFalse
            @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp | Where-Object Releasable) | Should -BeNullOrEmpty
        }
        finally {
            if ($job) { $job.PowerShell.Dispose() }
            Stop-TestSandbox $sandbox
        }
    }

    It 'when every attempt fails it falls back to unlock-only' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            $null = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
            Set-SandboxRbac $sandbox -Allow $denyBlockWrites
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ChangeRequest CHG4 -Confirm:$false -RetryCount 1 -RetryDelay 00:00:00 -AuditPath (Join-Path $TestDrive 'd.jsonl') -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
            $run.Succeeded | Should -BeFalse
            $run.Attempts | Should -Be 2
            $run.FellBackToUnlock | Should -BeTrue
            $run.DatastoreReadyBefore | Should -Be 'false'
            $run.DatastoreReadyAfter | Should -Be 'true'
            Get-Ready $sandbox | Should -BeTrue
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'does not unlock a datastore someone else locked unless asked' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            $null = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -LockDatastore -LockSettleTime 0 -ChangeRequest CHG5 -Confirm:$false -AuditPath (Join-Path $TestDrive 'e.jsonl')
            $run.Succeeded | Should -BeTrue
            $run.LockedByThisRun | Should -BeFalse
            $run.DatastoreReadyAfter | Should -Be 'false'
            Get-Ready $sandbox | Should -BeFalse
            $unlock = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -UnlockDatastore -ChangeRequest CHG5 -Confirm:$false -AuditPath (Join-Path $TestDrive 'e.jsonl')
            $unlock.Succeeded | Should -BeTrue
            Get-Ready $sandbox | Should -BeTrue
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'refuses to unlock while a DatastoreMigration is in progress' {
        $sandbox = Start-TestSandbox -Generate 'nodes=2,pods=6,seed=4'
        try {
            $null = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
            Add-SandboxObject $sandbox -Item @(@{
                    apiVersion = 'migration.projectcalico.org/v1'; kind = 'DatastoreMigration'
                    metadata = @{ name = 'v1-to-v3' }; spec = @{}; status = @{ phase = 'Migrating' }
                })
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -UnlockDatastore -ChangeRequest CHG6 -Confirm:$false -AuditPath (Join-Path $TestDrive 'f.jsonl') -ErrorAction SilentlyContinue
            $run.Succeeded | Should -BeFalse
            ($run.Errors -join ' ') | Should -Match 'migration'
            Get-Ready $sandbox | Should -BeFalse
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'a run stopped midway that had locked the datastore leaves it unlocked' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            $job = Start-Cleanup @{ KubeConfig = $sandbox.KubeConfig; ReleaseIp = $true; LockDatastore = $true; LockSettleTime = [TimeSpan]::FromMinutes(5); ChangeRequest = 'CHG7'; Confirm = $false; AuditPath = (Join-Path $TestDrive 'g.jsonl') }
            Wait-Until { (Get-Ready $sandbox) -eq $false }
            $job.PowerShell.Stop()
            Get-Ready $sandbox | Should -BeTrue
        }
        finally {
            if ($job) { $job.PowerShell.Dispose() }
            Stop-TestSandbox $sandbox
        }
    }

    It '-WhatIf previews the whole run and writes nothing' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            Reset-SandboxWrite $sandbox
            $run = Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseBlock -LockDatastore -UnlockDatastore -WhatIf 6>$null
            $run.WhatIf | Should -BeTrue
            $run.FindingsByKind['LeakedIp'] | Should -BeGreaterOrEqual 5
            (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It '-ReleaseMode Cooldown is refused before the run on a cluster older than v3.33' {
        $sandbox = Start-TestSandbox -Generate $leaky
        try {
            Reset-SandboxWrite $sandbox
            $err = $null
            try { Invoke-CalicoIpamCleanup -KubeConfig $sandbox.KubeConfig -ReleaseIp -ReleaseMode Cooldown -ChangeRequest CHG1 -AuditPath (Join-Path $TestDrive 'cool.jsonl') -Confirm:$false -ErrorAction Stop }
            catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Be 'CooldownReleaseNotSupported,Invoke-CalicoIpamCleanup'
            $err.ErrorDetails.RecommendedAction | Should -Match 'Classic'
            (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
        }
        finally { Stop-TestSandbox $sandbox }
    }

    It 'requires a change request unless -WhatIf' {
        { Invoke-CalicoIpamCleanup -KubeConfig 'unused' -ReleaseIp -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'ChangeRequestRequired,Invoke-CalicoIpamCleanup'
    }
}
