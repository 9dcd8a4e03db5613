# IpamCleanup script module: the compiled cmdlets come from IpamCleanup.dll (NestedModules);
# script functions that compose them live here.
Set-StrictMode -Version Latest
