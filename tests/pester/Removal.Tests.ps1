#requires -Modules Pester
# Remove-CalicoLeakedIp and Remove-CalicoEmptyBlock over the built module against the sandbox.
BeforeAll {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:generate = 'nodes=6,pods=40,seed=21,leakedPods=6,deletedNodes=1,orphanHandles=3,emptyBlocks=2'
    function script:Get-LiveIps($sandbox) {
        (Get-SandboxObject $sandbox '/api/v1/pods').items | Where-Object { $_.status.phase -eq 'Running' } | ForEach-Object { $_.status.podIP }
    }
}

Describe 'Remove-CalicoLeakedIp' {
    BeforeAll {
        $script:sandbox = Start-TestSandbox -Generate $generate
        $script:audit = Join-Path $TestDrive 'audit.jsonl'
    }
    AfterAll { if ($sandbox) { Stop-TestSandbox $sandbox } }

    It '-WhatIf lists what would be released and writes nothing' {
        Reset-SandboxWrite $sandbox
        $out = Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp, LeakedTunnelIp, OrphanHandle |
            Remove-CalicoLeakedIp -WhatIf -ChangeRequest CHG7 -AuditPath $audit 6>&1 | Out-String
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
        @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind OrphanHandle).Count | Should -Be 3
    }

    It 'refuses report-only kinds with FindingNotReleasable and writes nothing for them' {
        Reset-SandboxWrite $sandbox
        $blocks = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind EmptyBlock)
        $blocks.Count | Should -BeGreaterThan 0
        $results = @($blocks | Remove-CalicoLeakedIp -Confirm:$false -Force -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs[0].FullyQualifiedErrorId | Should -Match '^FindingNotReleasable,'
        @($results | Where-Object { "$($_.Status)" -eq 'Failed' }).Count | Should -Be $blocks.Count
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
    }

    It 'releases the leaks: one result per finding, no live address released, handles gone' {
        $live = Get-LiveIps $sandbox
        $leaks = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp, LeakedTunnelIp, OrphanHandle | Where-Object Releasable)
        $results = @($leaks | Remove-CalicoLeakedIp -Confirm:$false -Force -ChangeRequest CHG7 -AuditPath $audit)
        $results.Count | Should -Be $leaks.Count
        @($results | Where-Object { "$($_.Status)" -ne 'Released' }) | Should -BeNullOrEmpty
        $allocated = Get-SandboxAllocatedIp $sandbox
        foreach ($ip in $live) { $allocated | Should -Contain $ip }
        foreach ($leak in $leaks | Where-Object IP) { $allocated | Should -Not -Contain $leak.IP }
        @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp, LeakedTunnelIp, OrphanHandle | Where-Object Releasable) | Should -BeNullOrEmpty
    }

    It 'recorded every write in the audit log with the change request' {
        $lines = @(Get-Content $audit | ForEach-Object { $_ | ConvertFrom-Json })
        $lines.Count | Should -BeGreaterThan 0
        $lines.changeRequest | Sort-Object -Unique | Should -Be 'CHG7'
        $lines.kind | Sort-Object -Unique | Should -Contain 'IPAMBlock'
        $lines[0].clusterGuid | Should -Not -BeNullOrEmpty
    }

    It 'a second run finds nothing to do and writes nothing' {
        Reset-SandboxWrite $sandbox
        $results = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp, OrphanHandle | Where-Object Releasable | Remove-CalicoLeakedIp -Confirm:$false -Force)
        $results | Should -BeNullOrEmpty
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
    }

    It '-IP releases nothing that is in use' {
        $ip = (Get-LiveIps $sandbox)[0]
        Reset-SandboxWrite $sandbox
        $result = Remove-CalicoLeakedIp -KubeConfig $sandbox.KubeConfig -IP $ip -Confirm:$false -Force
        "$($result.Status)" | Should -Be 'Skipped'
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
    }
}

Describe 'Remove-CalicoLeakedIp -ReleaseMode Cooldown (Calico v3.33)' {
    BeforeAll {
        $script:cool = Start-TestSandbox -Generate $generate
        $script:coolAudit = Join-Path $TestDrive 'cool-audit.jsonl'
    }
    AfterAll { if ($cool) { Stop-TestSandbox $cool } }

    It 'is refused on a cluster older than v3.33 and writes nothing' {
        Reset-SandboxWrite $cool
        $leak = @(Get-CalicoIpamLeak -KubeConfig $cool.KubeConfig -Kind LeakedIp | Where-Object Releasable)[0]
        { $leak | Remove-CalicoLeakedIp -ReleaseMode Cooldown -Confirm:$false -Force -ChangeRequest CHG9 -AuditPath $coolAudit -ErrorAction Stop } |
            Should -Throw -ErrorId 'CooldownReleaseNotSupported,IpamCleanup.Commands.RemoveCalicoLeakedIpCommand'
        (Get-SandboxWrite $cool).totalWrites | Should -Be 0
    }

    It 'is refused when IPAMConfig sets no ipCooldownSeconds, also under -WhatIf' {
        Set-SandboxCalicoSpec $cool 'clusterinformations' @{ calicoVersion = 'v3.33.0' }
        Reset-SandboxWrite $cool
        $leak = @(Get-CalicoIpamLeak -KubeConfig $cool.KubeConfig -Kind LeakedIp | Where-Object Releasable)[0]
        { $leak | Remove-CalicoLeakedIp -ReleaseMode Cooldown -WhatIf -ErrorAction Stop } |
            Should -Throw -ErrorId 'CooldownNotConfigured,IpamCleanup.Commands.RemoveCalicoLeakedIpCommand'
        (Get-SandboxWrite $cool).totalWrites | Should -Be 0
    }

    It 'leaves each released address cooling down in its block, and the leak is gone' {
        Set-SandboxCalicoSpec $cool 'ipamconfigs' @{ ipCooldownSeconds = 600 }
        $leaks = @(Get-CalicoIpamLeak -KubeConfig $cool.KubeConfig -Kind LeakedIp | Where-Object Releasable)
        $leaks.Count | Should -BeGreaterThan 0
        $results = @($leaks | Remove-CalicoLeakedIp -ReleaseMode Cooldown -Confirm:$false -Force -ChangeRequest CHG9 -AuditPath $coolAudit)
        @($results | Where-Object { "$($_.Status)" -ne 'Released' }) | Should -BeNullOrEmpty
        $cooling = @(Get-CalicoIpamLeak -KubeConfig $cool.KubeConfig -IncludeHealthy -Kind CoolingDown)
        foreach ($leak in $leaks) { $cooling.IP | Should -Contain $leak.IP }
        @(Get-CalicoIpamLeak -KubeConfig $cool.KubeConfig -Kind LeakedIp | Where-Object Releasable) | Should -BeNullOrEmpty
        # The addresses still count as allocated until the cooldown ends.
        $allocated = Get-SandboxAllocatedIp $cool
        foreach ($leak in $leaks) { $allocated | Should -Contain $leak.IP }
    }
}

Describe 'Safety across clusters and changes' {
    BeforeAll {
        $script:a = Start-TestSandbox -Generate $generate
        $script:b = Start-TestSandbox -Generate 'nodes=6,pods=40,seed=22,leakedPods=6'
    }
    AfterAll {
        if ($a) { Stop-TestSandbox $a }
        if ($b) { Stop-TestSandbox $b }
    }

    It 'refuses findings from another cluster with FindingFromAnotherCluster and writes nothing' {
        $leaks = @(Get-CalicoIpamLeak -KubeConfig $a.KubeConfig -Kind LeakedIp | Where-Object Releasable)
        Reset-SandboxWrite $b
        { $leaks | Select-Object -ExcludeProperty KubeConfig, Context, Server | Remove-CalicoLeakedIp -KubeConfig $b.KubeConfig -Confirm:$false -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'FindingFromAnotherCluster,IpamCleanup.Commands.RemoveCalicoLeakedIpCommand'
        (Get-SandboxWrite $b).totalWrites | Should -Be 0
    }

    It 'refuses a calicoctl report from another cluster and writes nothing' {
        $report = Join-Path $TestDrive 'a-report.json'
        $null = Export-CalicoIpamReport -KubeConfig $a.KubeConfig -Path $report
        Reset-SandboxWrite $b
        { Remove-CalicoLeakedIp -KubeConfig $b.KubeConfig -FromCalicoctlReport $report -Confirm:$false -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'ReportClusterMismatch,IpamCleanup.Commands.RemoveCalicoLeakedIpCommand'
        (Get-SandboxWrite $b).totalWrites | Should -Be 0
    }

    It 'releases from a calicoctl report of the same cluster' {
        $report = Join-Path $TestDrive 'a-report2.json'
        $null = Export-CalicoIpamReport -KubeConfig $a.KubeConfig -Path $report
        $results = @(Remove-CalicoLeakedIp -KubeConfig $a.KubeConfig -FromCalicoctlReport $report, $report -Confirm:$false -Force)
        @($results | Where-Object { "$($_.Status)" -eq 'Released' }).Count | Should -BeGreaterOrEqual 6
        @(Get-CalicoIpamLeak -KubeConfig $a.KubeConfig -Kind LeakedIp | Where-Object Releasable) | Should -BeNullOrEmpty
        # The report's handle UIDs are bit-reversed (libcalico's view); they must still match the live handles.
        @(Get-CalicoIpamLeak -KubeConfig $a.KubeConfig -Kind OrphanHandle | Where-Object Releasable) | Should -BeNullOrEmpty
    }

    It 'skips a finding whose object changed since the scan (ChangedSinceScan) and writes nothing for it' {
        $orphan = @(Get-CalicoIpamLeak -KubeConfig $b.KubeConfig -Kind LeakedIp | Where-Object Releasable)[0]
        $path = "/apis/crd.projectcalico.org/v1/ipamblocks/$($orphan.BlockName)"
        $block = Get-SandboxObject $b $path
        $block.spec.sequenceNumber = [uint64]$block.spec.sequenceNumber + 1
        $block.spec.sequenceNumberForAllocation | Add-Member -NotePropertyName 'x' -NotePropertyValue 1 -Force
        $ordinal = ($block.spec.sequenceNumberForAllocation.PSObject.Properties | Where-Object Name -NE 'x' | Select-Object -First 1).Name
        # Re-allocate the leaked ordinal under another sequence number: the ABA case.
        $leakOrdinal = ([ipaddress]$orphan.IP).GetAddressBytes()[3] - ([ipaddress]($orphan.Block -split '/')[0]).GetAddressBytes()[3]
        $block.spec.sequenceNumberForAllocation.PSObject.Properties.Remove('x')
        $block.spec.sequenceNumberForAllocation | Add-Member -NotePropertyName "$leakOrdinal" -NotePropertyValue ([uint64]$orphan.SequenceNumber + 7) -Force
        Add-SandboxObject $b -Item @($block)
        Reset-SandboxWrite $b
        $result = $orphan | Remove-CalicoLeakedIp -Confirm:$false -Force
        "$($result.Status)" | Should -Be 'Skipped'
        "$($result.Reason)" | Should -Be 'ChangedSinceScan'
        (Get-SandboxWrite $b).totalWrites | Should -Be 0
        $null = $ordinal
    }
}

Describe 'Remove-CalicoEmptyBlock' {
    BeforeAll {
        $script:sandbox = Start-TestSandbox -Generate $generate
    }
    AfterAll { if ($sandbox) { Stop-TestSandbox $sandbox } }

    It '-WhatIf writes nothing' {
        Reset-SandboxWrite $sandbox
        Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind EmptyBlock, DeletedNodeBlock, OrphanAffinity | Remove-CalicoEmptyBlock -WhatIf 6>$null
        (Get-SandboxWrite $sandbox).totalWrites | Should -Be 0
    }

    It 'releases surplus empty blocks with their affinities and keeps every node''s last block' {
        $nodesBefore = (Get-SandboxObject $sandbox '/api/v1/nodes').items.metadata.name
        $empty = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind EmptyBlock | Where-Object Releasable)
        $empty.Count | Should -BeGreaterOrEqual 2
        $results = @($empty | Remove-CalicoEmptyBlock -Confirm:$false -Force)
        @($results | Where-Object { "$($_.Status)" -eq 'Released' }).Count | Should -Be $empty.Count
        $blocks = (Get-SandboxObject $sandbox '/apis/crd.projectcalico.org/v1/ipamblocks').items
        foreach ($finding in $empty) { $blocks.spec.cidr | Should -Not -Contain $finding.Block }
        $affinities = (Get-SandboxObject $sandbox '/apis/crd.projectcalico.org/v1/blockaffinities').items
        foreach ($finding in $empty) { @($affinities | Where-Object { $_.spec.cidr -eq $finding.Block }) | Should -BeNullOrEmpty }
        foreach ($node in $nodesBefore) { @($blocks | Where-Object { $_.spec.affinity -eq "host:$node" }).Count | Should -BeGreaterOrEqual 1 }
    }

    It 'releases the blocks and affinities of a deleted node after its addresses' {
        $null = Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp, LeakedTunnelIp | Where-Object Releasable | Remove-CalicoLeakedIp -Confirm:$false -Force
        $dead = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind DeletedNodeBlock, OrphanAffinity | Where-Object Releasable)
        $dead.Count | Should -BeGreaterOrEqual 1
        $results = @($dead | Remove-CalicoEmptyBlock -Confirm:$false -Force)
        @($results | Where-Object { "$($_.Status)" -eq 'Failed' }) | Should -BeNullOrEmpty
        @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind DeletedNodeBlock, OrphanAffinity | Where-Object Releasable) | Should -BeNullOrEmpty
    }
}
