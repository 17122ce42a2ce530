#!/usr/bin/env bash
# check-package.sh: build the Debian package from a copy of this tree (the
# tree itself gets no debian/ build artefacts), then check the .deb: its
# file list exactly against tests/package-files.txt, its maintainer scripts
# (the tasdid user and /var/lib/tasdid made at install, no unit enabled),
# the binary it holds, and lintian: no error and no warning that
# debian/tasdid.lintian-overrides does not accept with a reason.
# Run by ./run test; by hand: scripts/check-package.sh [KEEP_DIR].
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "check-package: FAIL: $*" >&2; exit 1; }
for t in dpkg-buildpackage dh lintian git; do
  command -v $t >/dev/null || fail "$t is not installed (./run installs it)"
done
if [ -n "${1:-}" ]; then tmp=$1; mkdir -p "$tmp"; else
  tmp=$(mktemp -d /tmp/tasdid-deb-XXXXXX); trap 'rm -rf "$tmp"' EXIT; fi

# The working tree's files as git sees them (committed or not, ignored
# build directories left out), copied to $tmp/tasdid.
mkdir -p "$tmp/tasdid"
(cd "$src" && git ls-files -z -co --exclude-standard |
   tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$tmp/tasdid" -xf -
start=$(date +%s)
(cd "$tmp/tasdid" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
   dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) ||
  { tail -n 40 "$tmp/build.log" >&2; fail "dpkg-buildpackage failed (log above)"; }
debs=("$tmp"/tasdid_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one tasdid_*.deb, got: ${debs[*]}"
deb=${debs[0]}
echo "check-package: built $(basename "$deb") in $(( $(date +%s) - start )) s"

# Files and links (not directories), sorted, against the expected list.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print substr($6, 2)}' | sort >"$tmp/files"
if ! diff -u "$src/tests/package-files.txt" "$tmp/files" >"$tmp/files.diff"; then
  cat "$tmp/files.diff" >&2
  fail "the package's files differ from tests/package-files.txt (- expected, + in the .deb)"
fi
echo "check-package: $(wc -l <"$tmp/files") files as listed in tests/package-files.txt"

dpkg-deb -e "$deb" "$tmp/control"
grep -q 'systemd-sysusers.*tasdid.conf' "$tmp/control/postinst" ||
  fail "postinst does not create the tasdid user (systemd-sysusers)"
grep -q 'systemd-tmpfiles.*tasdid.conf' "$tmp/control/postinst" ||
  fail "postinst does not create /var/lib/tasdid (systemd-tmpfiles)"
# dh_installsystemd --no-enable: a unit is only re-enabled on upgrade if
# it was enabled ("debian-installed" guard), never enabled on first install.
for u in tasdid-intake.service tasdid-post.service tasdid-inquiry.service tasdid-settle.timer; do
  grep -q "deb-systemd-helper debian-installed '$u'" "$tmp/control/postinst" ||
    fail "postinst may enable $u on installation: none may start before the config is written"
done
n=$(grep -c 'deb-systemd-helper enable' "$tmp/control/postinst" || true)
assert_n=4
[ "$n" = "$assert_n" ] || fail "postinst has $n 'deb-systemd-helper enable' lines, expected $assert_n (one per guarded unit)"

dpkg-deb -x "$deb" "$tmp/root"
v=$("$tmp/root/usr/bin/tasdid" --version) || fail "the packaged binary does not run"
echo "check-package: usr/bin/tasdid --version: $v"
grep -q '^ExecStart=/usr/bin/tasdid intake ' "$tmp/root/lib/systemd/system/tasdid-intake.service" ||
  fail "tasdid-intake.service does not run /usr/bin/tasdid"

# (lintian's "running with root privileges" note is not about the package)
lrc=0
lintian --fail-on error,warning --info "$deb" >"$tmp/lintian.out" 2>&1 || lrc=$?
grep -v 'running with root privileges' "$tmp/lintian.out" >"$tmp/lintian.log" || true
[ $lrc -eq 0 ] || { cat "$tmp/lintian.log" >&2; fail "lintian exit $lrc (log above)"; }
echo "check-package: lintian: no error, no warning"
[ ! -s "$tmp/lintian.log" ] || cat "$tmp/lintian.log"
