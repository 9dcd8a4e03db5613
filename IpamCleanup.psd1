@{
    RootModule           = 'IpamCleanup.psm1'
    NestedModules        = @('IpamCleanup.dll')
    ModuleVersion     = '0.0.0'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    GUID                 = '6f0e3c1a-4d2b-4f7e-9a55-2c8e1b7d9f41'
    Author               = 'IpamCleanup contributors'
    CompanyName          = 'IpamCleanup'
    Copyright            = '(c) IpamCleanup contributors.'
    Description          = 'Finds and safely releases leaked Calico IPAM state (pod IPs, tunnel IPs, handles, empty or orphaned blocks and affinities) and unlocks a locked Calico datastore.'
    FormatsToProcess     = @('IpamCleanup.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-CalicoDatastoreStatus'
        'Get-CalicoIpamLeak'
        'Export-CalicoIpamSnapshot'
        'Export-CalicoIpamReport'
        'Remove-CalicoLeakedIp'
        'Remove-CalicoEmptyBlock'
        'Unlock-CalicoDatastore'
        'Lock-CalicoDatastore'
        'Write-CalicoAuditLog'
    )
    FunctionsToExport    = @('Invoke-CalicoIpamCleanup')
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Calico', 'IPAM', 'Kubernetes', 'SRE')
            ProjectUri = ''
        }
    }
}
