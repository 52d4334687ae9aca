#!/usr/bin/env bash
# Installs `tilt` into PREFIX/bin (default /usr/local; --user: ~/.local), building it in release mode
# first if needed, so that it is on PATH for editors (`tilt lsp`) and Jupyter (`tilt kernel install`).
#
#   Scripts/install.sh                    # /usr/local/bin/tilt (as root, for every user)
#   Scripts/install.sh --user             # ~/.local/bin/tilt
#   Scripts/install.sh --prefix /opt/tilt # /opt/tilt/bin/tilt
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/usr/local
while [ $# -gt 0 ]; do
    case "$1" in
        --user) prefix="$HOME/.local" ;;
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; prefix="$2"; shift ;;
        --prefix=*) prefix="${1#--prefix=}" ;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown option $1 (--user, --prefix DIR)" >&2; exit 2 ;;
    esac
    shift
done
export PATH="$PATH:/opt/swift/usr/bin"
bash .ci/setup
swift build -c release --product tilt
mkdir -p "$prefix/bin"
install -m 755 .build/release/tilt "$prefix/bin/tilt"
echo "installed $prefix/bin/tilt ($("$prefix/bin/tilt" --version))"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
echo "next: tilt kernel install --user   (Jupyter), and see Docs/editors.md for VS Code, Neovim and Helix"
