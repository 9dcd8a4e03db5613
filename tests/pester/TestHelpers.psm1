# Shared by the Pester suites: start the sandbox API server as a separate process and talk to its admin endpoints.
Set-StrictMode -Version Latest

function Start-TestSandbox {
    [CmdletBinding()]
    param(
        [string] $Generate,
        [string] $Seed,
        [ValidateSet('v1', 'v3', 'both')][string] $Layout = 'v1',
        [string] $Faults,
        [string] $Token = 'sandbox-token'
    )
    $dll = $env:IPAMCLEANUP_SANDBOX_DLL
    if (-not $dll -or -not (Test-Path $dll)) { throw "IPAMCLEANUP_SANDBOX_DLL does not point at the built sandbox ('$dll')." }
    $dir = Join-Path ([IO.Path]::GetTempPath()) ("ipamcleanup-" + [guid]::NewGuid().ToString('n'))
    $null = New-Item -ItemType Directory -Path $dir
    $kubeconfig = Join-Path $dir 'kubeconfig'

    $arguments = [Collections.Generic.List[string]]::new()
    foreach ($a in @($dll, '--kubeconfig', $kubeconfig, '--layout', $Layout)) { $arguments.Add($a) }
    if ($Generate) { $arguments.Add('--generate'); $arguments.Add($Generate) }
    if ($Seed) { $arguments.Add('--seed'); $arguments.Add($Seed) }
    if ($Faults) { $arguments.Add('--faults'); $arguments.Add($Faults) }
    $arguments.Add('--token'); $arguments.Add($Token)

    $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($info)

    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    $uri = $null
    while (-not $uri) {
        $readTask = $process.StandardOutput.ReadLineAsync()
        if (-not $readTask.Wait([Math]::Max(1, ($deadline - [DateTime]::UtcNow).TotalMilliseconds))) {
            $process.Kill($true)
            throw 'The sandbox did not report "listening on" within 60 seconds.'
        }
        $line = $readTask.Result
        if ($null -eq $line) { throw "The sandbox exited early: $($process.StandardError.ReadToEnd())" }
        if ($line -match '^listening on (http://\S+)') { $uri = $Matches[1] }
    }
    [pscustomobject]@{
        Process    = $process
        Uri        = $uri
        KubeConfig = $kubeconfig
        Directory  = $dir
        Token      = $Token
    }
}

function Stop-TestSandbox {
    param([Parameter(Mandatory)] $Sandbox)
    try { $Sandbox.Process.StandardInput.Close() } catch { }
    if (-not $Sandbox.Process.WaitForExit(10000)) { $Sandbox.Process.Kill($true) }
    Remove-Item -Recurse -Force $Sandbox.Directory -ErrorAction SilentlyContinue
}

function Get-SandboxWrite {
    param([Parameter(Mandatory)] $Sandbox)
    Invoke-RestMethod -Uri "$($Sandbox.Uri)/sandbox/stats"
}

function Reset-SandboxWrite {
    param([Parameter(Mandatory)] $Sandbox)
    $null = Invoke-RestMethod -Method Post -Uri "$($Sandbox.Uri)/sandbox/reset-stats"
}

function Set-SandboxFault {
    param([Parameter(Mandatory)] $Sandbox, [hashtable] $Fault = @{})
    $null = Invoke-RestMethod -Method Post -Uri "$($Sandbox.Uri)/sandbox/faults" -Body ($Fault | ConvertTo-Json) -ContentType 'application/json'
}

function Set-SandboxRbac {
    param([Parameter(Mandatory)] $Sandbox, [AllowNull()][string[]] $Allow)
    $body = @{ allow = $Allow } | ConvertTo-Json
    $null = Invoke-RestMethod -Method Post -Uri "$($Sandbox.Uri)/sandbox/rbac" -Body $body -ContentType 'application/json'
}

function Get-SandboxObject {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)][string] $Path, [string] $Token = $Sandbox.Token)
    Invoke-RestMethod -Uri "$($Sandbox.Uri)$Path" -Headers @{ Authorization = "Bearer $Token" }
}

function Add-SandboxObject {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [object[]] $Item)
    $body = @{ apiVersion = 'v1'; kind = 'List'; items = $Item } | ConvertTo-Json -Depth 20
    $null = Invoke-RestMethod -Method Post -Uri "$($Sandbox.Uri)/sandbox/seed" -Body $body -ContentType 'application/json'
}

function Set-SandboxCalicoSpec {
    # Sets spec fields of a crd.projectcalico.org/v1 singleton ('default'), e.g. clusterinformations or ipamconfigs.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)][string] $Plural, [Parameter(Mandatory)][hashtable] $Values)
    $object = Get-SandboxObject $Sandbox "/apis/crd.projectcalico.org/v1/$Plural/default"
    foreach ($key in $Values.Keys) { $object.spec | Add-Member -NotePropertyName $key -NotePropertyValue $Values[$key] -Force }
    Add-SandboxObject $Sandbox @($object)
}

function Get-SandboxAllocatedIp {
    # Every address some crd.projectcalico.org/v1 block allocates, read straight from the sandbox.
    param([Parameter(Mandatory)] $Sandbox)
    foreach ($block in (Get-SandboxObject $Sandbox '/apis/crd.projectcalico.org/v1/ipamblocks').items) {
        $net = [IpamCleanup.Core.Net.IpNet]::Parse($block.spec.cidr)
        for ($i = 0; $i -lt $block.spec.allocations.Count; $i++) {
            if ($null -ne $block.spec.allocations[$i]) { $net.AddressAt([UInt128]$i).ToString() }
        }
    }
}

Export-ModuleMember -Function Start-TestSandbox, Stop-TestSandbox, Get-SandboxWrite, Reset-SandboxWrite, Set-SandboxFault, Set-SandboxRbac, Get-SandboxObject, Add-SandboxObject, Set-SandboxCalicoSpec, Get-SandboxAllocatedIp
