#!/bin/sh
# Install @PROJECT@ @VERSION@ from this field kit, with no network (Linux and macOS).
#
#   sh install.sh [--no-launcher] [FOLDER]
#
# 1. checks every file of the kit against SHA256SUMS (a changed or added file stops it);
# 2. makes the program's own virtual environment in FOLDER (default: a folder of the
#    user's own, never the station's data folder, which a reinstall leaves alone);
# 3. installs the program from the kit's wheels/ with --no-index (nothing is downloaded);
# 4. adds a launcher: the applications menu on Linux, a .command on the macOS desktop.
set -eu

kit=$(cd "$(dirname "$0")" && pwd)
launcher=yes
if [ "${1:-}" = "--no-launcher" ]; then launcher=no; shift; fi
case "$(uname -s)" in
    Darwin) system=macos; default="$HOME/Library/Application Support/@PROJECT@-program" ;;
    *) system=linux; default="${XDG_DATA_HOME:-$HOME/.local/share}/@PROJECT@-program" ;;
esac
target=${1:-$default}

fail() {
    echo "install: $*" >&2
    exit 1
}

# -- 1. the kit is whole and unchanged -----------------------------------------------------
if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
    sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
    fail "neither sha256sum nor shasum is on this system, so the kit cannot be checked; install coreutils (Linux) or Perl (macOS)."
fi
[ -f "$kit/SHA256SUMS" ] || fail "the kit has no SHA256SUMS in $kit; copy the whole kit again."
listed=$(mktemp)
trap 'rm -f "$listed"' EXIT
while IFS= read -r line; do
    expected=${line%%  *}
    file=${line#*  }
    printf '%s\n' "$file" >>"$listed"
    [ -f "$kit/$file" ] || fail "the kit is incomplete: $file is missing; copy the whole kit again."
    [ "$(sha256 "$kit/$file")" = "$expected" ] ||
        fail "the kit has been changed or damaged: $file does not match its checksum in SHA256SUMS; copy the kit again from headquarters."
done <"$kit/SHA256SUMS"
(cd "$kit" && find . -type f ! -name SHA256SUMS | sed 's|^\./||') | while IFS= read -r file; do
    grep -qxF "$file" "$listed" ||
        fail "the kit holds a file that is not in SHA256SUMS ($file); copy the kit again from headquarters."
done
echo "install: the kit is whole ($(wc -l <"$kit/SHA256SUMS" | tr -d ' ') files checked)."

# -- 2. a Python the kit has wheels for ----------------------------------------------------
python=
for candidate in python3.13 python3.12 python3.11 python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    case " @PYTHONS@ " in
        *" $version "*) python=$candidate; break ;;
    esac
done
[ -n "$python" ] || fail "no Python this kit has wheels for (@PYTHONS@) is installed; install one (sudo apt-get install python3 python3-venv, or python.org's installer on macOS) and run this again."
"$python" -c 'import venv, ensurepip' 2>/dev/null ||
    fail "$python cannot make a virtual environment; install its venv module (sudo apt-get install python3-venv) and run this again."

# -- 3. the program, from the kit only -----------------------------------------------------
echo "install: installing @PROJECT@ @VERSION@ with $python into $target"
"$python" -m venv --clear "$target"
# No pip configuration of this laptop applies: the kit's wheels are the only source.
PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 "$target/bin/python" -m pip install --quiet \
    --no-index --find-links "$kit/wheels" --disable-pip-version-check \
    "@PROJECT@==@VERSION@" ||
    fail "pip could not install the program from the kit (its message is above); the kit may not have wheels for this computer (it has: @PLATFORMS@)."
program="$target/bin/@PROJECT@"

# -- 4. a launcher -------------------------------------------------------------------------
if [ "$launcher" = yes ] && [ "$system" = linux ]; then
    menu="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
    mkdir -p "$menu"
    cat >"$menu/@PROJECT@.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Screening interviews
Comment=@PROJECT@ @VERSION@
Exec="$program"
Terminal=false
Categories=Office;
EOF
    echo "install: launcher added to the applications menu ($menu/@PROJECT@.desktop)."
elif [ "$launcher" = yes ]; then
    command_file="$HOME/Desktop/Screening interviews.command"
    mkdir -p "$HOME/Desktop"
    printf '#!/bin/sh\nexec "%s"\n' "$program" >"$command_file"
    chmod +x "$command_file"
    echo "install: launcher added to the desktop ($command_file)."
fi

echo "install: done. Next, check this laptop: \"$program\" doctor"
