#!/usr/bin/env bash
# Prints this machine's Debian apt sources (those whose Release says Origin Debian; third-party
# sources left out) as one-line `deb URI SUITE COMPONENT` entries, for mmdebstrap to build a
# throwaway root from the same mirrors. With a codename argument, the entries name that release
# instead of the machine's own (bookworm-security becoming bullseye-security, and so on); sid
# (unstable) has no -updates or -security suites, so for it only the release itself is printed.
#   packaging/debian-sources.sh [CODENAME]
set -euo pipefail
own="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
want="${1:-$own}"
apt-cache policy 2>/dev/null | awk -v own="$own" -v want="$want" '
  /^ *[0-9]+ [a-z]+:\/\// { uri = $2; split($3, sc, "/"); suite = sc[1]; comp = sc[2]; next }
  /^ *release / && uri != "" {
    if ($0 ~ /[ ,]o=Debian,/) {
      if (own != "" && index(suite, own) == 1) print "deb " uri " " want substr(suite, length(own) + 1) " " comp
      else if (want == own) print "deb " uri " " suite " " comp  # named otherwise (stable, sid)
    }
    uri = ""
  }' | sort -u | { if [ "$want" = sid ] || [ "$want" = unstable ]; then grep -v -E ' [a-z]+-(updates|security) ' || true; else cat; fi; }
