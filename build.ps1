#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, benchmarks and demonstrates the IpamCleanup module.
.DESCRIPTION
    Tasks:
      Build  assembles out/IpamCleanup/<version>/, the folder Import-Module loads.
      Test   runs every xunit project and every Pester suite (in a fresh pwsh, against the built module);
             the last line printed is "N passed, N failed[, N skipped]" and the exit code is non-zero on any failure.
      Demo   starts the sandbox API server with a generated leaky cluster and runs the cleanup job against it.
      Bench  runs the scale benchmark (bench/IpamCleanup.Bench) and prints its table.
      Clean  removes out/ and every bin/ and obj/ folder.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Extra arguments passed to the benchmark (for example '--quick').
    [string[]] $BenchArgument = @()
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$Version = ([xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
$ModuleDir = Join-Path $OutDir "IpamCleanup/$Version"
$ModuleManifest = Join-Path $ModuleDir 'IpamCleanup.psd1'
$SandboxDll = Join-Path $Root "tests/IpamCleanup.Sandbox/bin/$Configuration/net8.0/IpamCleanup.Sandbox.dll"

function Invoke-Native {
    param([Parameter(Mandatory)][string] $FilePath, [string[]] $ArgumentList = @())
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $Root 'IpamCleanup.sln'), '-c', $Configuration, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly;Summary')

    if (Test-Path $ModuleDir) { Remove-Item -Recurse -Force $ModuleDir }
    $null = New-Item -ItemType Directory -Force -Path $ModuleDir
    $binDir = Join-Path $Root "src/IpamCleanup/bin/$Configuration/net8.0"
    Get-ChildItem $binDir -Filter '*.dll' | Where-Object Name -NotIn @('System.Management.Automation.dll') |
        Copy-Item -Destination $ModuleDir
    Copy-Item (Join-Path $Root 'module/*') -Destination $ModuleDir -Recurse
    $manifest = Get-Content -Raw (Join-Path $Root 'IpamCleanup.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion     = '$Version'"
    Set-Content -Path $ModuleManifest -Value $manifest -NoNewline
    # MAML help for the compiled cmdlets, from their XML documentation (in a fresh pwsh: it imports the module).
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tools/New-CmdletHelp.ps1') `
        -ModuleManifest $ModuleManifest -DocumentationXml (Join-Path $binDir 'IpamCleanup.xml')
    if ($LASTEXITCODE -ne 0) { throw 'Generating the cmdlet help failed.' }
    Write-Host "Built module $ModuleManifest"
}

function Get-PesterModulePath {
    $project = Join-Path $Root 'tests/pester/Pester.Restore.csproj'
    Invoke-Native dotnet @('restore', $project, '--nologo', '-v', 'quiet')
    $packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $path = Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $path)) { throw "Pester 5.7.1 was not restored to $path." }
    $path
}

function Read-TrxCounts {
    param([string] $Directory)
    $totals = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }
    foreach ($file in Get-ChildItem -Path $Directory -Filter '*.trx' -ErrorAction SilentlyContinue) {
        $counters = ([xml](Get-Content -Raw $file.FullName)).TestRun.ResultSummary.Counters
        $totals.Passed += [int]$counters.passed
        $totals.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        # Skipped tests are neither executed nor counted in notExecuted by the TRX logger: total - executed.
        $totals.Skipped += [int]$counters.total - [int]$counters.executed
    }
    $totals
}

function Invoke-Test {
    Invoke-Build
    $resultsDir = Join-Path $OutDir 'TestResults'
    if (Test-Path $resultsDir) { Remove-Item -Recurse -Force $resultsDir }
    $null = New-Item -ItemType Directory -Force -Path $resultsDir

    $failures = @()
    $testProjects = Get-ChildItem -Path (Join-Path $Root 'tests') -Filter '*.Tests.csproj' -Recurse | Sort-Object FullName
    foreach ($project in $testProjects) {
        $name = $project.BaseName
        Write-Host "`n=== xunit: $name" -ForegroundColor Cyan
        & dotnet test $project.FullName -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$name.trx" --logger 'console;verbosity=minimal' --results-directory $resultsDir
        if ($LASTEXITCODE -ne 0) { $failures += $name }
        if (-not (Test-Path (Join-Path $resultsDir "$name.trx"))) {
            $failures += "$name (no result file: the test host crashed)"
        }
    }
    $xunit = Read-TrxCounts $resultsDir

    Write-Host "`n=== Pester (fresh pwsh, built module)" -ForegroundColor Cyan
    $pesterPath = Get-PesterModulePath
    $pesterResult = Join-Path $resultsDir 'pester.json'
    $env:IPAMCLEANUP_SANDBOX_DLL = $SandboxDll
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/pester/Invoke-PesterSuite.ps1') `
        -ModuleManifest $ModuleManifest -PesterPath $pesterPath -ResultFile $pesterResult
    $pesterExit = $LASTEXITCODE
    $pester = @{ Passed = 0; Failed = 0; Skipped = 0 }
    if (Test-Path $pesterResult) {
        $json = Get-Content -Raw $pesterResult | ConvertFrom-Json
        $pester = @{ Passed = [int]$json.Passed; Failed = [int]$json.Failed; Skipped = [int]$json.Skipped }
    }
    else {
        $failures += 'Pester (no result file)'
    }
    if ($pesterExit -ne 0 -and $pester.Failed -eq 0) { $failures += "Pester (exit code $pesterExit)" }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    Write-Host ''
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    if ($failures.Count -gt 0) { Write-Host "Failing: $($failures -join '; ')" -ForegroundColor Red }
    if ($failed -eq 0 -and $failures.Count -gt 0) { $failed = $failures.Count }
    $summary = "$passed passed, $failed failed"
    if ($skipped -gt 0) { $summary += ", $skipped skipped" }
    Write-Output $summary
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Bench {
    Invoke-Native dotnet (@('run', '-c', 'Release', '--project', (Join-Path $Root 'bench/IpamCleanup.Bench'), '--') + $BenchArgument)
}

function Invoke-Demo {
    Invoke-Build
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'docs/demo.ps1') -ModuleManifest $ModuleManifest -SandboxDll $SandboxDll
    if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    if (Test-Path $OutDir) { Remove-Item -Recurse -Force $OutDir }
    Get-ChildItem -Path $Root -Directory -Recurse -Include 'bin', 'obj' |
        Where-Object { $_.FullName -notmatch '[\\/]\.git[\\/]' } |
        Remove-Item -Recurse -Force
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Clean' { Invoke-Clean }
    }
}
