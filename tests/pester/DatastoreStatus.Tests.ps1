#requires -Modules Pester
# Get-CalicoDatastoreStatus against the sandbox, and the connection errors every cmdlet shares.
BeforeAll {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:secret = 'tok-' + [guid]::NewGuid().ToString('n')
    $script:sandbox = Start-TestSandbox -Generate 'nodes=6,pods=40,seed=3,leakedPods=4,deletedNodes=1,orphanHandles=2,emptyBlocks=2' -Token $secret
}

AfterAll {
    if ($sandbox) { Stop-TestSandbox $sandbox }
}

Describe 'Get-CalicoDatastoreStatus' {
    It 'reports layout, version, lock state and object counts of the cluster' {
        $status = Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig
        $status.Context | Should -Be 'sandbox'
        $status.Server | Should -Be $sandbox.Uri.TrimEnd('/')
        $status.ApiVersion | Should -Be 'crd.projectcalico.org/v1'
        $status.DatastoreReady | Should -Be 'true'
        $status.Locked | Should -BeFalse
        $status.ClusterGuid | Should -Not -BeNullOrEmpty
        $status.CalicoVersion | Should -Match '^v3\.'
        $status.BlockCount | Should -BeGreaterThan 0
        $status.HandleCount | Should -BeGreaterThan 0
        $status.AffinityCount | Should -BeGreaterThan 0
        $status.PoolCount | Should -BeGreaterOrEqual 1
        $status.LeakGracePeriod | Should -Be ([TimeSpan]::FromMinutes(15))
    }

    It 'shows the v3.33 IP cooldown when IPAMConfig sets one' {
        (Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig).IpCooldownSeconds | Should -BeNullOrEmpty
        Set-SandboxCalicoSpec $sandbox 'ipamconfigs' @{ ipCooldownSeconds = 300 }
        (Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig).IpCooldownSeconds | Should -Be 300
    }

    It 'counts exactly what the API holds' {
        $blocks = Get-SandboxObject $sandbox '/apis/crd.projectcalico.org/v1/ipamblocks' -Token $secret
        (Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig).BlockCount | Should -Be @($blocks.items).Count
    }

    It 'never prints the kubeconfig token in verbose or debug output' {
        $output = Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig -Verbose -Debug 4>&1 5>&1 | Out-String
        $output | Should -Match 'Connected to sandbox'
        $output | Should -Not -Match ([regex]::Escape($secret))
    }

    It 'reads the native projectcalico.org/v3 layout' {
        $v3 = Start-TestSandbox -Generate 'nodes=2,pods=5,seed=1' -Layout v3
        try {
            $status = Get-CalicoDatastoreStatus -KubeConfig $v3.KubeConfig
            $status.ApiVersion | Should -Be 'projectcalico.org/v3'
            $status.BlockCount | Should -BeGreaterThan 0
        }
        finally { Stop-TestSandbox $v3 }
    }
}

Describe 'Choosing the Calico API group' {
    BeforeAll {
        # Both groups served, each with its own objects: detection picks crd.projectcalico.org (v1 present).
        $script:both = Start-TestSandbox -Generate 'nodes=2,pods=5,seed=1' -Layout both
        $script:savedGroup = $env:CALICO_API_GROUP
    }
    AfterAll {
        $env:CALICO_API_GROUP = $savedGroup
        if ($both) { Stop-TestSandbox $both }
    }
    AfterEach { $env:CALICO_API_GROUP = $null }

    It 'detects crd.projectcalico.org/v1 when both groups exist and nothing is set' {
        $env:CALICO_API_GROUP = $null
        (Get-CalicoDatastoreStatus -KubeConfig $both.KubeConfig).ApiVersion | Should -Be 'crd.projectcalico.org/v1'
    }

    It 'follows CALICO_API_GROUP as Calico components do' {
        $env:CALICO_API_GROUP = 'projectcalico.org/v3'
        (Get-CalicoDatastoreStatus -KubeConfig $both.KubeConfig).ApiVersion | Should -Be 'projectcalico.org/v3'
    }

    It 'lets -ApiGroup win over CALICO_API_GROUP' {
        $env:CALICO_API_GROUP = 'projectcalico.org/v3'
        (Get-CalicoDatastoreStatus -KubeConfig $both.KubeConfig -ApiGroup crd.projectcalico.org).ApiVersion | Should -Be 'crd.projectcalico.org/v1'
    }

    It 'refuses a CALICO_API_GROUP that names no Calico group, before connecting' {
        $env:CALICO_API_GROUP = 'projectcalico.org/v1'
        { Get-CalicoDatastoreStatus -KubeConfig $both.KubeConfig -ErrorAction Stop } |
            Should -Throw -ErrorId 'ApiGroupInvalid,IpamCleanup.Commands.GetCalicoDatastoreStatusCommand'
        $err = $null
        try { Get-CalicoDatastoreStatus -KubeConfig $both.KubeConfig -ErrorAction Stop } catch { $err = $_ }
        $err.ErrorDetails.RecommendedAction | Should -Match 'CALICO_API_GROUP'
    }
}

Describe 'Connection errors' {
    It 'a missing kubeconfig is KubeConfigNotFound' {
        { Get-CalicoDatastoreStatus -KubeConfig (Join-Path $TestDrive 'nope.yaml') -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubeConfigNotFound,IpamCleanup.Commands.GetCalicoDatastoreStatusCommand'
    }

    It 'a malformed kubeconfig is KubeConfigInvalid' {
        $bad = Join-Path $TestDrive 'bad.yaml'
        Set-Content $bad "apiVersion: v1`nclusters: [ {{{ not yaml"
        { Get-CalicoDatastoreStatus -KubeConfig $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'KubeConfigInvalid,IpamCleanup.Commands.GetCalicoDatastoreStatusCommand'
    }

    It 'an unknown context is KubeContextNotFound and names the contexts that exist' {
        $err = $null
        try { Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig -Context 'prod-eu' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'KubeContextNotFound,IpamCleanup.Commands.GetCalicoDatastoreStatusCommand'
        $err.ToString() | Should -Match 'sandbox'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'an unreachable API server is ApiServerUnreachable' {
        $dead = Join-Path $TestDrive 'dead.yaml'
        (Get-Content -Raw $sandbox.KubeConfig) -replace [regex]::Escape($sandbox.Uri), 'http://127.0.0.1:9' | Set-Content $dead
        { Get-CalicoDatastoreStatus -KubeConfig $dead -ErrorAction Stop } |
            Should -Throw -ErrorId 'ApiServerUnreachable,IpamCleanup.Commands.GetCalicoDatastoreStatusCommand'
    }

    It 'a forbidden list is ApiServerForbidden naming the verb and resource, and the token stays secret' {
        Set-SandboxRbac $sandbox -Allow @('get clusterinformations', 'list clusterinformations')
        try {
            $err = $null
            try { Get-CalicoDatastoreStatus -KubeConfig $sandbox.KubeConfig -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -Match '^ApiServerForbidden,'
            $err.ToString() | Should -Match '(get|list) \w+'
            ($err | Out-String) + $err.Exception.ToString() | Should -Not -Match ([regex]::Escape($secret))
        }
        finally { Set-SandboxRbac $sandbox -Allow $null }
    }
}
