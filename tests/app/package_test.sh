#!/usr/bin/env bash
# The .deb as a user gets it: builds it with cpack from BUILD_DIR (after a full build), unpacks it
# into a scratch root with dpkg -x, checks that every installed file is there and valid
# (desktop-file-validate, appstreamcli validate, update-mime-database, groff), that the man page
# and the bash completion cover every subcommand and option the binary has, and runs the installed
# binary: --version, a subcommand and --screenshot on the demo it finds beside itself, all in a
# cleaned environment without a display.
#   tests/app/package_test.sh BUILD_DIR SOURCE_DIR        (CTest: app_package, label "package")
# Prints the package's size and Depends line; exits non-zero on the first failed check.
set -euo pipefail
# (No `producer | grep -q`: grep -q may stop reading early, and under pipefail the producer's SIGPIPE
# would fail the check at random. Outputs are captured first, then searched.)
BUILD=$(cd "$1" && pwd)
SOURCE=$(cd "$2" && pwd)
SCRATCH=$BUILD/package-test
checks=0
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); }

for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli update-mime-database file strings groff; do
  command -v "$tool" >/dev/null || fail "'$tool' is not installed (scripts/setup.sh installs it)"
done

rm -rf "$SCRATCH"
mkdir -p "$SCRATCH/home"
cpack --config "$BUILD/CPackConfig.cmake" -B "$SCRATCH" >"$SCRATCH/cpack.log" 2>&1 || { cat "$SCRATCH/cpack.log"; fail "cpack"; }
debs=("$SCRATCH"/tfscope_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "cpack made no single tfscope_*.deb in $SCRATCH"
DEB=${debs[0]}
depends=$(dpkg-deb -f "$DEB" Depends)
echo "package: $(basename "$DEB"): $(stat -c %s "$DEB") bytes"
echo "package: Depends: $depends"
for lib in libc6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6svg6 libprotobuf libleveldb libgvc6; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib (dpkg-shlibdeps): $depends"
done
ok
[ "$(dpkg-deb -f "$DEB" Section)" = science ] && [ -n "$(dpkg-deb -f "$DEB" Maintainer)" ] || fail "Section/Maintainer"
ok

ROOT=$SCRATCH/root
dpkg -x "$DEB" "$ROOT"
USR=$ROOT/usr
BIN=$USR/bin/tfscope

# The files.
apps=("$USR"/share/applications/*.desktop)
[ ${#apps[@]} -eq 1 ] && [ -f "${apps[0]}" ] || fail "expected one .desktop file in usr/share/applications"
DESKTOP=${apps[0]}
ID=$(basename "$DESKTOP" .desktop)
for f in bin/tfscope share/tfscope/demo/saved_model.pb share/tfscope/demo/variables/variables.index \
         share/tfscope/demo/variables/variables.data-00000-of-00001 \
         share/metainfo/$ID.metainfo.xml share/mime/packages/$ID.xml \
         share/icons/hicolor/scalable/apps/$ID.svg share/man/man1/tfscope.1.gz \
         share/bash-completion/completions/tfscope; do
  [ -f "$USR/$f" ] || fail "usr/$f is not in the package"
  ok
done
[ -x "$BIN" ] || fail "usr/bin/tfscope is not executable"
grep -q "ELF 64-bit.*, stripped" <<<"$(file "$BIN")" || fail "usr/bin/tfscope is not a stripped ELF: $(file "$BIN")"
ok
for size in 16 22 24 32 48 64 128 256; do
  png=$USR/share/icons/hicolor/${size}x${size}/apps/$ID.png
  [ -f "$png" ] || fail "no ${size}x${size} icon"
  grep -q "PNG image data, $size x $size" <<<"$(file "$png")" || fail "$(file "$png")"
  ok
done
if [ -n "$(find "$USR/share/tfscope/demo" -name 'expected*.json')" ]; then fail "test fixtures in the installed demo"; fi
# No build or source path is baked into the binary (the demo is found relative to it); Qt's
# QStringLiteral keeps strings as UTF-16, hence both encodings.
for p in "$SOURCE" "$BUILD"; do
  if { strings -a "$BIN"; strings -a -el "$BIN"; } | grep -F -- "$p" >/dev/null; then fail "usr/bin/tfscope contains the path $p"; fi
done
ok

# The desktop entry, metainfo and MIME types validate.
desktop-file-validate "$DESKTOP" || fail "desktop-file-validate $DESKTOP"
grep -qx "Exec=tfscope %f" "$DESKTOP" || fail "Exec line"
grep -qx "Icon=$ID" "$DESKTOP" || fail "Icon is not $ID"
grep -q "^MimeType=inode/directory;.*application/x-tensorflow-checkpoint;" "$DESKTOP" || fail "MimeType"
ok
appstreamcli validate --no-net --pedantic "$USR/share/metainfo/$ID.metainfo.xml" || fail "appstreamcli validate"
grep -q "<launchable type=\"desktop-id\">$ID.desktop</launchable>" "$USR/share/metainfo/$ID.metainfo.xml" || fail "launchable"
grep -q "<screenshot type=\"default\">" "$USR/share/metainfo/$ID.metainfo.xml" || fail "screenshot"
ok
mkdir -p "$SCRATCH/mime/packages"
cp "$USR/share/mime/packages/$ID.xml" "$SCRATCH/mime/packages/"
update-mime-database "$SCRATCH/mime" >"$SCRATCH/mime.log" 2>&1 || { cat "$SCRATCH/mime.log"; fail "update-mime-database"; }
if grep -qi "error\|warning" "$SCRATCH/mime.log"; then cat "$SCRATCH/mime.log"; fail "update-mime-database complained"; fi
for pattern in '*.pb' '*.pbtxt' '*.meta' '*.index'; do
  grep -qF ":$pattern" "$SCRATCH/mime/globs2" || fail "MIME glob $pattern"
done
ok

# The installed binary, with a cleaned environment and no display.
run() { env -i PATH=/usr/bin:/bin HOME="$SCRATCH/home" LANG=C.UTF-8 "$@"; }
version=$(run "$BIN" --version) || fail "--version"
[[ $version =~ ^tfscope\ ([0-9]+\.[0-9]+\.[0-9]+)(\ \(git\ [0-9a-z.-]+\))?$ ]] || fail "--version printed '$version'"
number=${BASH_REMATCH[1]}
echo "package: $version"
first_release=$(grep -o '<release version="[^"]*"' "$USR/share/metainfo/$ID.metainfo.xml" | head -1 | cut -d'"' -f2)
[ "$first_release" = "$number" ] || fail "metainfo's newest release is $first_release, tfscope is $number (add a <release>)"
ok
run "$BIN" show "$USR/share/tfscope/demo" --tag_set serve >"$SCRATCH/show.txt" || fail "tfscope show on the installed demo"
grep -q "serving_default" "$SCRATCH/show.txt" || fail "show output lacks serving_default"
ok
set +e
run "$BIN" >"$SCRATCH/nodisplay.out" 2>"$SCRATCH/nodisplay.err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "no display" "$SCRATCH/nodisplay.err" && grep -q -- "--screenshot" "$SCRATCH/nodisplay.err" ||
  { cat "$SCRATCH/nodisplay.err"; fail "without a display: exit $rc (want 2 and a message naming --screenshot)"; }
ok
# No PATH: the window opens the demo it finds at <exe dir>/../share/tfscope/demo.
run "$BIN" --screenshot "$SCRATCH/shot.png" 2>"$SCRATCH/shot.err" || { cat "$SCRATCH/shot.err"; fail "--screenshot of the demo"; }
info=$(file "$SCRATCH/shot.png")
[[ $info =~ PNG\ image\ data,\ ([0-9]+)\ x\ ([0-9]+) ]] || fail "screenshot: $info"
[ "${BASH_REMATCH[1]}" -ge 800 ] && [ "${BASH_REMATCH[2]}" -ge 500 ] || fail "screenshot is only ${BASH_REMATCH[1]}x${BASH_REMATCH[2]}"
[ "$(stat -c %s "$SCRATCH/shot.png")" -ge 30000 ] || fail "screenshot is nearly empty ($(stat -c %s "$SCRATCH/shot.png") bytes)"
ok

# The man page renders without warnings and names every subcommand and option; the completion
# offers them.
MAN=$SCRATCH/tfscope.1
gzip -dc "$USR/share/man/man1/tfscope.1.gz" >"$MAN"
groff -man -ww -z -Tutf8 "$MAN" 2>"$SCRATCH/groff.err"
[ ! -s "$SCRATCH/groff.err" ] || { cat "$SCRATCH/groff.err"; fail "groff warnings in the man page"; }
manText=$(groff -man -Tascii -P-cbou -rLL=250n -rHY=0 "$MAN" 2>/dev/null)
grep -q "tfscope $number" <<<"$manText" || fail "the man page is not for version $number"
for code in 0 1 2; do grep -qE "^ +$code\b" <<<"$manText" || fail "man page: no exit status $code"; done
ok
complete_words() {  # COMP_WORDS... -> what the completion offers, one per line
  (cd "$SCRATCH" && bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tfscope; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$USR/share/bash-completion/completions/tfscope" "$@")
}
subcommands=$(run "$BIN" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$subcommands" ] || fail "no subcommands in tfscope --help"
for sub in $subcommands; do
  grep -qE "^ +$sub\b" <<<"$manText" || fail "man page: no section for '$sub'"
  grep -qx "$sub" <<<"$(complete_words tfscope "${sub:0:2}")" || fail "completion: '${sub:0:2}' does not offer '$sub'"
  offered=$(complete_words tfscope "$sub" --)
  for opt in $(run "$BIN" "$sub" --help | awk '/^  -/ { print $1 }' | tr ',' '\n' | grep '^--'); do
    grep -qF -- "$opt" <<<"$manText" || fail "man page: '$sub' option $opt is not described"
    grep -qx -- "$opt" <<<"$offered" || fail "completion: '$sub' does not offer $opt"
  done
  ok
done
for opt in --screenshot --select --run --version; do
  grep -qF -- "$opt" <<<"$manText" || fail "man page: $opt"
  grep -qx -- "$opt" <<<"$(complete_words tfscope --)" || fail "completion: tfscope -- does not offer $opt"
done
touch "$SCRATCH/model.meta"
grep -qx "model.meta" <<<"$(complete_words tfscope mo)" || fail "completion: no path completion"
grep -qx savedmodel <<<"$(complete_words tfscope export m --format "")" || fail "completion: --format values"
ok

echo "package: $checks passed, 0 failed"
