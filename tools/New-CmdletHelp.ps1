#requires -Version 7.4
<#
.SYNOPSIS
    Writes en-US/IpamCleanup.dll-help.xml (MAML) for the compiled cmdlets from their C# XML documentation.
.DESCRIPTION
    The class summary's <para type="synopsis"> is the synopsis, <para type="description"> the description, each
    <example> (a <code> line and a <para>) an example, and each parameter property's summary its description.
    Runs in its own pwsh because it imports the built module.
#>
param(
    [Parameter(Mandatory)][string] $ModuleManifest,
    [Parameter(Mandatory)][string] $DocumentationXml
)
$ErrorActionPreference = 'Stop'
Import-Module $ModuleManifest -Force
$docs = [xml](Get-Content -Raw $DocumentationXml)
$members = @{}
foreach ($member in $docs.doc.members.member) { $members[$member.name] = $member }

function Get-Text($node) {
    if ($null -eq $node) { return '' }
    $text = if ($node -is [string]) { $node } else { $node.InnerText }
    (($text -replace '\s+', ' ').Trim())
}

function Get-PropertyDoc([type] $type, [string] $name) {
    for ($t = $type; $null -ne $t; $t = $t.BaseType) {
        $member = $members["P:$($t.FullName).$name"]
        if ($member) { return Get-Text $member.summary }
    }
    ''
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$target = Join-Path (Split-Path $ModuleManifest) 'en-US/IpamCleanup.dll-Help.xml'
$null = New-Item -ItemType Directory -Force -Path (Split-Path $target)
$writer = [Xml.XmlWriter]::Create($target, $settings)
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
foreach ($cmdlet in Get-Command -Module IpamCleanup -CommandType Cmdlet | Sort-Object Name) {
    $type = $cmdlet.ImplementingType
    $doc = $members["T:$($type.FullName)"]
    $synopsis = Get-Text ($doc.summary.para | Where-Object type -EQ 'synopsis')
    $description = Get-Text ($doc.summary.para | Where-Object type -EQ 'description')
    if (-not $synopsis) { throw "$($cmdlet.Name) ($($type.FullName)) has no <para type=""synopsis""> in its XML documentation." }

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $writer.WriteStartElement('details', $command)
    $writer.WriteElementString('name', $command, $cmdlet.Name)
    $writer.WriteStartElement('description', $maml); $writer.WriteElementString('para', $maml, $synopsis); $writer.WriteEndElement()
    $writer.WriteElementString('verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('noun', $command, $cmdlet.Noun)
    $writer.WriteEndElement()
    $writer.WriteStartElement('description', $maml); $writer.WriteElementString('para', $maml, $(if ($description) { $description } else { $synopsis })); $writer.WriteEndElement()

    $writer.WriteStartElement('parameters', $command)
    $common = [Management.Automation.PSCmdlet]::CommonParameters + [Management.Automation.PSCmdlet]::OptionalCommonParameters
    foreach ($parameter in $cmdlet.Parameters.Values | Where-Object Name -NotIn $common) {
        $text = Get-PropertyDoc $type $parameter.Name
        if (-not $text) { throw "$($cmdlet.Name) -$($parameter.Name) has no XML documentation." }
        $attribute = $parameter.Attributes | Where-Object { $_ -is [Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $pipeline = @()
        if ($attribute.ValueFromPipeline) { $pipeline += 'ByValue' }
        if ($attribute.ValueFromPipelineByPropertyName) { $pipeline += 'ByPropertyName' }
        $writer.WriteStartElement('parameter', $command)
        $writer.WriteAttributeString('required', $attribute.Mandatory.ToString().ToLowerInvariant())
        $writer.WriteAttributeString('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
        $writer.WriteAttributeString('position', $(if ($attribute.Position -ge 0) { "$($attribute.Position)" } else { 'named' }))
        $writer.WriteElementString('name', $maml, $parameter.Name)
        $writer.WriteStartElement('description', $maml); $writer.WriteElementString('para', $maml, $text); $writer.WriteEndElement()
        $writer.WriteElementString('parameterValue', $command, $parameter.ParameterType.Name)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('examples', $command)
    $number = 0
    foreach ($example in @($doc.example)) {
        if (-not $example) { continue }
        $number++
        $writer.WriteStartElement('example', $command)
        $writer.WriteElementString('title', $maml, "-------------------------- Example $number --------------------------")
        $writer.WriteElementString('code', $dev, ($example.code.Trim()))
        $writer.WriteStartElement('remarks', $dev); $writer.WriteElementString('para', $maml, (Get-Text $example.para)); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.Dispose()
Write-Host "Wrote $target"
