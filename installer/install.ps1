# Finds Python 3.11 and runs install.py from this bundle with the same arguments (untested here).
Set-Location -Path $PSScriptRoot
$candidates = @(@('py', '-3.11'), @('python3.11'), @('python'))
foreach ($candidate in $candidates) {
    $exe = $candidate[0]
    $extra = @($candidate | Select-Object -Skip 1)
    if (Get-Command $exe -ErrorAction SilentlyContinue) {
        & $exe @extra -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" 2>$null
        if ($LASTEXITCODE -eq 0) {
            & $exe @extra install.py @args
            exit $LASTEXITCODE
        }
    }
}
Write-Error "install.ps1: Python 3.11 was not found; install it from python.org and run this again"
exit 2
