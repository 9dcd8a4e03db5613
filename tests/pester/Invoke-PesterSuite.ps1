#requires -Version 7.4
<#
.SYNOPSIS
    Runs every *.Tests.ps1 under tests/pester in this (fresh) pwsh against the built module and writes the counts.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $PesterPath,
    [Parameter(Mandatory)][string] $ResultFile
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:IPAMCLEANUP_MODULE = (Resolve-Path $ModuleManifest).Path

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultFile, '.xml')
$result = Invoke-Pester -Configuration $configuration

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[ordered]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } |
    ConvertTo-Json | Set-Content -Path $ResultFile
if ($failed -gt 0) { exit 1 }
