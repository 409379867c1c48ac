# Install @PROJECT@ @VERSION@ from this field kit, with no network (Windows).
#
#   powershell -ExecutionPolicy Bypass -File install.ps1 [-NoLauncher] [-Target FOLDER]
#
# 1. checks every file of the kit against SHA256SUMS (a changed or added file stops it);
# 2. makes the program's own virtual environment in FOLDER (default: a folder of the
#    user's own under %LOCALAPPDATA%, never the station's data folder);
# 3. installs the program from the kit's wheels\ with --no-index (nothing is downloaded);
# 4. adds a shortcut on the desktop.
param(
    [switch]$NoLauncher,
    [string]$Target = (Join-Path $env:LOCALAPPDATA "@PROJECT@-program")
)
$ErrorActionPreference = "Stop"
$kit = $PSScriptRoot

function Fail([string]$sentence) {
    [Console]::Error.WriteLine("install: $sentence")
    exit 1
}

# -- 1. the kit is whole and unchanged -----------------------------------------------------
$manifest = Join-Path $kit "SHA256SUMS"
if (-not (Test-Path $manifest)) { Fail "the kit has no SHA256SUMS in $kit; copy the whole kit again." }
$listed = @{}
foreach ($line in Get-Content -LiteralPath $manifest -Encoding UTF8) {
    if ($line -eq "") { continue }
    $expected, $file = $line -split "  ", 2
    $listed[$file] = $true
    $path = Join-Path $kit ($file -replace "/", "\")
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
        Fail "the kit is incomplete: $file is missing; copy the whole kit again."
    }
    $actual = (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash.ToLower()
    if ($actual -ne $expected) {
        Fail "the kit has been changed or damaged: $file does not match its checksum in SHA256SUMS; copy the kit again from headquarters."
    }
}
foreach ($item in Get-ChildItem -LiteralPath $kit -Recurse -File) {
    $file = $item.FullName.Substring($kit.Length + 1) -replace "\\", "/"
    if ($file -ne "SHA256SUMS" -and -not $listed.ContainsKey($file)) {
        Fail "the kit holds a file that is not in SHA256SUMS ($file); copy the kit again from headquarters."
    }
}
Write-Output "install: the kit is whole ($($listed.Count) files checked)."

# -- 2. a Python the kit has wheels for (the py launcher, else python on PATH) -------------
$python = $null
foreach ($version in ("@PYTHONS@" -split " " | Sort-Object -Descending)) {
    if (Get-Command py -ErrorAction SilentlyContinue) {
        & py "-$version" -c "import sys" 2>$null
        if ($LASTEXITCODE -eq 0) { $python = @("py", "-$version"); break }
    }
}
if (-not $python -and (Get-Command python -ErrorAction SilentlyContinue)) {
    $found = & python -c "import sys; print('%d.%d' % sys.version_info[:2])"
    if (" @PYTHONS@ " -like "* $found *") { $python = @("python") }
}
if (-not $python) {
    Fail "no Python this kit has wheels for (@PYTHONS@) is installed; install one from python.org (64-bit) and run this again."
}

# -- 3. the program, from the kit only -----------------------------------------------------
Write-Output "install: installing @PROJECT@ @VERSION@ into $Target"
$pythonArguments = @($python | Select-Object -Skip 1)
& $python[0] @pythonArguments -m venv --clear $Target
if ($LASTEXITCODE -ne 0) { Fail "Python could not make a virtual environment in $Target." }
# No pip configuration of this laptop applies: the kit's wheels are the only source.
$env:PIP_CONFIG_FILE = "NUL"
$env:PIP_NO_INDEX = "1"
& (Join-Path $Target "Scripts\python.exe") -m pip install --quiet --no-index `
    --find-links (Join-Path $kit "wheels") --disable-pip-version-check "@PROJECT@==@VERSION@"
if ($LASTEXITCODE -ne 0) {
    Fail "pip could not install the program from the kit (its message is above); the kit may not have wheels for this computer (it has: @PLATFORMS@)."
}
$program = Join-Path $Target "Scripts\@PROJECT@.exe"

# -- 4. a shortcut on the desktop (pythonw: no console window behind the app) --------------
if (-not $NoLauncher) {
    $shortcut = Join-Path ([Environment]::GetFolderPath("Desktop")) "Screening interviews.lnk"
    $link = (New-Object -ComObject WScript.Shell).CreateShortcut($shortcut)
    $link.TargetPath = Join-Path $Target "Scripts\pythonw.exe"
    $link.Arguments = "-m screening_app"
    $link.WorkingDirectory = $env:USERPROFILE
    $link.Save()
    Write-Output "install: shortcut added to the desktop ($shortcut)."
}
Write-Output "install: done. Next, check this laptop: & `"$program`" doctor"
