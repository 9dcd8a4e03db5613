#requires -Modules Pester
# Get-CalicoIpamLeak over the built module: live against the sandbox, offline from a real kubectl dump, filters, summary.
BeforeAll {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:sandbox = Start-TestSandbox -Generate 'nodes=8,pods=60,seed=11,leakedPods=5,deletedNodes=1,orphanHandles=3,emptyBlocks=2'
    $script:live = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig)
    function script:Get-Identity($finding) { '{0}|{1}|{2}|{3}|{4}' -f $finding.Kind, $finding.IP, $finding.Block, $finding.Handle, $finding.Releasable }
}

AfterAll {
    if ($sandbox) { Stop-TestSandbox $sandbox }
}

Describe 'Get-CalicoIpamLeak (live)' {
    It 'finds the generated leaks as releasable findings' {
        @($live | Where-Object { $_.Kind -eq 'LeakedIp' -and $_.Releasable }).Count | Should -BeGreaterOrEqual 5
        @($live | Where-Object { $_.Kind -eq 'OrphanHandle' -and $_.Releasable }).Count | Should -Be 3
        @($live | Where-Object { $_.Kind -eq 'LeakedTunnelIp' }).Count | Should -BeGreaterOrEqual 1
        @($live | Where-Object { $_.Kind -eq 'DeletedNodeBlock' }).Count | Should -BeGreaterOrEqual 1
        @($live | Where-Object { $_.Kind -eq 'EmptyBlock' -and $_.Releasable }).Count | Should -BeGreaterOrEqual 2
    }

    It 'gives every finding a reason, an action and what a later write needs to prove nothing changed' {
        foreach ($finding in $live) {
            $finding.Reason | Should -Not -BeNullOrEmpty
            $finding.Action | Should -Not -BeNullOrEmpty
        }
        foreach ($leak in $live | Where-Object Kind -EQ 'LeakedIp') {
            $leak.Handle | Should -Not -BeNullOrEmpty
            $leak.BlockResourceVersion | Should -Not -BeNullOrEmpty
            $leak.BlockUid | Should -Not -BeNullOrEmpty
            $null -ne $leak.SequenceNumber | Should -BeTrue
            $leak.Context | Should -Be 'sandbox'
        }
    }

    It 'never reports a running pod''s address' {
        $pods = (Get-SandboxObject $sandbox '/api/v1/pods').items
        $live_ips = $pods | Where-Object { $_.status.phase -eq 'Running' } | ForEach-Object { $_.status.podIP }
        $leaked = ($live | Where-Object { $_.Kind -in 'LeakedIp', 'LeakedTunnelIp' }).IP
        $live_ips | Where-Object { $_ -in $leaked } | Should -BeNullOrEmpty
    }

    It '-Kind filters' {
        $only = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind OrphanHandle)
        $only.Count | Should -Be 3
        $only.Kind | Sort-Object -Unique | Should -Be 'OrphanHandle'
    }

    It '-MinimumAge keeps young leaks out of the releasable set' {
        $young = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Kind LeakedIp -MinimumAge ([TimeSpan]::FromDays(36500)))
        $young.Count | Should -BeGreaterOrEqual 5
        @($young | Where-Object Releasable).Count | Should -Be 0
    }

    It '-Summary emits one object with counts per kind, pool and node' {
        $summary = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Summary)
        $summary.Count | Should -Be 1
        $summary[0].FindingCounts[[IpamCleanup.Core.Analysis.FindingKind]::OrphanHandle] | Should -Be 3
        $summary[0].Pools.Count | Should -BeGreaterOrEqual 1
        $summary[0].Pools[0].Allocated | Should -BeGreaterThan 0
        $summary[0].TopNodes.Count | Should -BeGreaterThan 0
    }

    It '-AllAllocations emits every allocated address once, with its owners and state' {
        $all = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -AllAllocations)
        $allocated = Get-SandboxAllocatedIp $sandbox
        @($all.IP | Sort-Object) | Should -Be @($allocated | Sort-Object)
        $pod = (Get-SandboxObject $sandbox '/api/v1/pods').items | Where-Object { $_.status.phase -eq 'Running' } | Select-Object -First 1
        $state = $all | Where-Object IP -EQ $pod.status.podIP
        $state.Kind | Should -BeNullOrEmpty
        $state.Owners | Should -Contain "Workload($($pod.metadata.namespace)/$($pod.metadata.name))"
        $leaks = @($live | Where-Object { $_.Kind -eq 'LeakedIp' -and $_.Releasable }).IP
        $leakedStates = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -AllAllocations -Kind LeakedIp)
        @($leakedStates.IP | Sort-Object) | Should -Be @($leaks | Sort-Object)
        $leakedStates.Kind | Sort-Object -Unique | Should -Be 'LeakedIp'
        ($leakedStates | Format-Table | Out-String -Width 250) | Should -Match "$([regex]::Escape($leaks[0]))\s+LeakedIp"
    }

    It '-Summary with -AllAllocations is ParameterConflict' {
        { Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Summary -AllAllocations -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterConflict,IpamCleanup.Commands.GetCalicoIpamLeakCommand'
    }

    It '-Baseline keeps only findings also present in the baseline' {
        $baseline = $live | Where-Object Kind -EQ 'OrphanHandle' | Select-Object -First 1
        $confirmed = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Baseline $baseline)
        $confirmed.Count | Should -Be 1
        $confirmed[0].Handle | Should -Be $baseline.Handle
    }

    It '-Baseline accepts a JSON file of an earlier run' {
        $file = Join-Path $TestDrive 'baseline.json'
        $live | ConvertTo-Json -Depth 5 | Set-Content $file
        $confirmed = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -Baseline $file)
        ($confirmed | ForEach-Object { Get-Identity $_ }) | Should -Be ($live | ForEach-Object { Get-Identity $_ })
    }

    It '-ConfirmAfter keeps findings seen unchanged in two snapshots' {
        $confirmed = @(Get-CalicoIpamLeak -KubeConfig $sandbox.KubeConfig -ConfirmAfter ([TimeSpan]::FromSeconds(1)))
        ($confirmed | ForEach-Object { Get-Identity $_ }) | Should -Be ($live | ForEach-Object { Get-Identity $_ })
    }
}

Describe 'Get-CalicoIpamLeak -SnapshotPath (offline)' {
    It 'gives exactly the live findings from a real kubectl dump' {
        $dump = Join-Path $TestDrive 'dump.json'
        $kinds = 'pods,nodes,services,ipamblocks.crd.projectcalico.org,ipamhandles.crd.projectcalico.org,blockaffinities.crd.projectcalico.org,' +
                 'ippools.crd.projectcalico.org,ipamconfigs.crd.projectcalico.org,clusterinformations.crd.projectcalico.org,kubecontrollersconfigurations.crd.projectcalico.org'
        & kubectl --kubeconfig $sandbox.KubeConfig get $kinds -A -o json | Set-Content -Path $dump
        $LASTEXITCODE | Should -Be 0
        $offline = @(Get-CalicoIpamLeak -SnapshotPath $dump)
        ($offline | ForEach-Object { Get-Identity $_ }) | Should -Be ($live | ForEach-Object { Get-Identity $_ })
    }

    It 'and from Export-CalicoIpamSnapshot' {
        $file = Join-Path $TestDrive 'export.json'
        $summary = Export-CalicoIpamSnapshot -KubeConfig $sandbox.KubeConfig -Path $file
        $summary.ItemCount | Should -BeGreaterThan 60
        $offline = @(Get-CalicoIpamLeak -SnapshotPath $file)
        ($offline | ForEach-Object { Get-Identity $_ }) | Should -Be ($live | ForEach-Object { Get-Identity $_ })
    }

    It 'refuses a dump without ClusterInformation with SnapshotInconsistent' {
        $dump = Join-Path $TestDrive 'partial.json'
        & kubectl --kubeconfig $sandbox.KubeConfig get 'pods,nodes,ipamblocks.crd.projectcalico.org' -A -o json | Set-Content -Path $dump
        { Get-CalicoIpamLeak -SnapshotPath $dump -ErrorAction Stop } |
            Should -Throw -ErrorId 'SnapshotInconsistent,IpamCleanup.Commands.GetCalicoIpamLeakCommand'
    }

    It 'refuses a file that is not a kubectl List with SnapshotFileInvalid' {
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content $bad '{"kind": "Pod"'
        { Get-CalicoIpamLeak -SnapshotPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'SnapshotFileInvalid,IpamCleanup.Commands.GetCalicoIpamLeakCommand'
    }
}

Describe 'Export-CalicoIpamReport' {
    It 'writes calicoctl''s report with the cluster GUID, and only proven leaks as not in use' {
        $file = Join-Path $TestDrive 'report.json'
        $null = Export-CalicoIpamReport -KubeConfig $sandbox.KubeConfig -Path $file
        $report = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable
        $status = Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig
        $report.clusterGUID | Should -Be $status.ClusterGuid
        $notInUse = @($report.allocations.Values | ForEach-Object { $_ } | Where-Object { -not $_.inUse }).ip | Sort-Object -Unique
        $releasable = @($live | Where-Object { $_.Kind -in 'LeakedIp', 'LeakedTunnelIp' -and $_.Releasable }).IP | Sort-Object -Unique
        $notInUse | Should -Be $releasable
        @($report.leakedHandles).Count | Should -Be 3
    }
}
