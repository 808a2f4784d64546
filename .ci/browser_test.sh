#!/usr/bin/env bash
# CI: the built site in a real browser, offline (tests/site/test_site_browser.py).
# Run after the book is built (`jupyter-book build . -W -n --keep-going`, output in _build/html); this
# script builds nothing. It installs Debian's Chromium, its driver and a CJK font (the screenshots
# show the glossary's Chinese terms), then runs the test with skips turned into failures.
# Screenshots, one page per chapter, are left in _build/screenshots/ (CI artifacts, not committed).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f _build/html/index.html ]; then
    echo "no built site in _build/html: run jupyter-book build . -W -n --keep-going first" >&2
    exit 1
fi

if ! { [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }; then
    echo "== install chromium, chromium-driver, fonts-noto-cjk =="
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium chromium-driver fonts-noto-cjk
fi
/usr/bin/chromium --version || true

echo "== browser test: every page of _build/html, served from 127.0.0.1, every other host blocked =="
CVBOOK_BROWSER_TEST=1 python -m pytest tests/site -q -p no:cacheprovider --durations=5
ls _build/screenshots/
