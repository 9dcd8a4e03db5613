#requires -Modules Pester
# Lock-/Unlock-CalicoDatastore: explicit booleans, compare-and-swap, idempotence, migrations, -WhatIf, audit.
BeforeAll {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:sandbox = Start-TestSandbox -Generate 'nodes=2,pods=6,seed=5'
    $script:audit = Join-Path $TestDrive 'audit.jsonl'
    $script:infoPath = '/apis/crd.projectcalico.org/v1/clusterinformations/default'
    function script:Get-Ready { (Get-SandboxObject $sandbox $infoPath).spec.datastoreReady }
}

AfterAll {
    if ($sandbox) { Stop-TestSandbox $sandbox }
}

Describe 'Lock-CalicoDatastore and Unlock-CalicoDatastore' {
    It 'locks with an explicit false and records the value it replaced' {
        $result = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false -ChangeRequest CHG1 -AuditPath $audit
        $result.Before | Should -Be 'true'
        $result.After | Should -Be 'false'
        $result.Changed | Should -BeTrue
        Get-Ready | Should -BeFalse
        (Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig).Locked | Should -BeTrue
    }

    It 'unlock reports who probably locked it and sets an explicit true' {
        $result = Unlock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false -ChangeRequest CHG1 -AuditPath $audit
        $result.Before | Should -Be 'false'
        $result.After | Should -Be 'true'
        $result.ProbableLocker | Should -Match 'calicoctl|cleanup job'
        $result.Target | Should -Match 'crd.projectcalico.org/v1 clusterinformations/default'
        Get-Ready | Should -BeTrue
    }

    It 'is idempotent: unlocking an unlocked datastore writes nothing' {
        Reset-SandboxWrite $sandbox
        $result = Unlock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
        $result.Changed | Should -BeFalse
        $result.Message | Should -Match 'already unlocked'
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
    }

    It '-WhatIf writes nothing' {
        Reset-SandboxWrite $sandbox
        $result = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -WhatIf
        $result.WhatIf | Should -BeTrue
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
        Get-Ready | Should -BeTrue
    }

    It 'keeps every other field and annotation of ClusterInformation' {
        $before = Get-SandboxObject $sandbox $infoPath
        $null = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
        $null = Unlock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
        $after = Get-SandboxObject $sandbox $infoPath
        $after.spec.clusterGUID | Should -Be $before.spec.clusterGUID
        $after.spec.calicoVersion | Should -Be $before.spec.calicoVersion
        $after.spec.clusterType | Should -Be $before.spec.clusterType
        [long]$after.metadata.resourceVersion | Should -BeGreaterThan ([long]$before.metadata.resourceVersion)
    }

    It 'writes one audit line per write with the change request and no credentials' {
        $lines = Get-Content $audit | ForEach-Object { $_ | ConvertFrom-Json }
        $lines.Count | Should -BeGreaterOrEqual 2
        $lines[0].changeRequest | Should -Be 'CHG1'
        $lines[0].context | Should -Be 'sandbox'
        $lines[0].action | Should -Be 'Lock'
        Get-Content -Raw $audit | Should -Not -Match 'sandbox-token'
    }

    It 'refuses to unlock while a DatastoreMigration is in progress, and -Force overrides' {
        $null = Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false
        Add-SandboxObject $sandbox -Item @(@{
                apiVersion = 'migration.projectcalico.org/v1'; kind = 'DatastoreMigration'
                metadata = @{ name = 'v1-to-v3' }; spec = @{}; status = @{ phase = 'Migrating' }
            })
        { Unlock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DatastoreMigrationInProgress,IpamCleanup.Commands.UnlockCalicoDatastoreCommand'
        Get-Ready | Should -BeFalse
        $forced = Unlock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false -Force -WarningAction SilentlyContinue
        $forced.ProbableLocker | Should -Match 'v1-to-v3'
        Get-Ready | Should -BeTrue
    }

    It 'refuses to write without a change request when the session requires one' {
        $global:IpamCleanupRequireChangeRequest = $true
        try {
            { Lock-CalicoDatastore -KubeConfig $sandbox.KubeConfig -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'ChangeRequestRequired,IpamCleanup.Commands.LockCalicoDatastoreCommand'
            Get-Ready | Should -BeTrue
        }
        finally { Remove-Variable -Scope Global IpamCleanupRequireChangeRequest }
    }
}
