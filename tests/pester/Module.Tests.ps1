#requires -Modules Pester
# Conventions of the built module: manifest, exports, naming, ShouldProcess and output types.
BeforeDiscovery {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    $script:commands = Get-Command -Module IpamCleanup | ForEach-Object { @{ Name = $_.Name; Command = $_ } }
}

BeforeAll {
    Import-Module $env:IPAMCLEANUP_MODULE -Force
    $script:manifest = Import-PowerShellDataFile $env:IPAMCLEANUP_MODULE
}

Describe 'The module manifest' {
    It 'is valid and loads from the built folder' {
        $info = Test-ModuleManifest $env:IPAMCLEANUP_MODULE
        $info.Name | Should -Be 'IpamCleanup'
        $info.Version | Should -BeGreaterThan ([version]'0.0.0')
    }

    It 'targets PowerShell 7.4 Core only' {
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PowerShellVersion | Should -Be '7.4'
    }

    It 'exports explicitly, never with a wildcard' {
        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $manifest[$key] | Should -Not -Contain '*'
        }
    }

    It 'exports every command the manifest names' {
        $exported = (Get-Command -Module IpamCleanup).Name
        foreach ($name in @($manifest.CmdletsToExport) + @($manifest.FunctionsToExport)) {
            $exported | Should -Contain $name
        }
    }
}

Describe 'Command <Name>' -ForEach $commands {
    It 'uses an approved verb and a singular Calico noun' {
        $Command.Verb | Should -BeIn (Get-Verb).Verb
        $Command.Noun | Should -Match '^Calico'
        $Command.Noun | Should -Not -Match '(?<![us])s$'
    }

    It 'declares its output type' {
        $Command.OutputType | Should -Not -BeNullOrEmpty
    }

    It 'supports -WhatIf and -Confirm when it can write' {
        if ($Command.Verb -notin 'Get', 'Export', 'Write') {
            $Command.Parameters.Keys | Should -Contain 'WhatIf'
            $Command.Parameters.Keys | Should -Contain 'Confirm'
        }
        else {
            $Command.Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
    }

    It 'takes the cluster as -Context and -KubeConfig' {
        $Command.Parameters.Keys | Should -Contain 'Context'
        if ($Name -ne 'Write-CalicoAuditLog') { $Command.Parameters.Keys | Should -Contain 'KubeConfig' }
    }

    It 'has a synopsis in its help' {
        (Get-Help $Name).Synopsis | Should -Not -BeNullOrEmpty
        (Get-Help $Name).Synopsis | Should -Not -Match "^\s*$Name"
    }
}

Describe 'Table views' {
    BeforeAll {
        # The Core types load with the first cmdlet that needs them.
        $dump = Join-Path $TestDrive 'empty.json'
        @{ apiVersion = 'v1'; kind = 'List'; items = @(@{ apiVersion = 'crd.projectcalico.org/v1'; kind = 'ClusterInformation'; metadata = @{ name = 'default' }; spec = @{ clusterGUID = 'abc'; datastoreReady = $true } }) } |
            ConvertTo-Json -Depth 10 | Set-Content $dump
        $null = Get-CalicoIpamLeak -SnapshotPath $dump -Summary
        $script:leak = [IpamCleanup.Core.Analysis.Finding]@{ Kind = 'LeakedIp'; IP = '10.0.0.5'; Reason = 'gone'; Action = 'release' }
    }

    It 'shows the first skip reason of the enum (NowInUse), not an empty cell' {
        $result = [IpamCleanup.Core.Release.ReleaseResult]::Skipped($leak, $null, 'NowInUse', 'in use by pod a/b')
        ($result | Format-Table | Out-String -Width 200) | Should -Match 'Skipped\s+NowInUse\s+LeakedIp\s+10\.0\.0\.5'
    }

    It 'shows the first finding kind (LeakedIp) in a finding row' {
        ($leak | Format-Table | Out-String -Width 200) | Should -Match 'LeakedIp\s+10\.0\.0\.5'
    }
}
