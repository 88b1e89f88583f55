#!/usr/bin/env bash
# Installs the Debian 12 packages Custodian needs to build, run and test.
# Sourced by run-app.sh and run-tests.sh.  Installs only what is missing,
# through sudo when not run as root.
set -euo pipefail

CUSTODIAN_PACKAGES=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libgtk-4-dev libgtk-4-bin libadwaita-1-dev libcairo2-dev
  libpoppler-glib-dev libhpdf-dev libpq-dev postgresql libqpdf-dev libtiff-dev libjpeg-dev
  libjson-glib-dev libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-spa
  libcurl4-openssl-dev libqrencode-dev libharfbuzz-dev zlib1g-dev nettle-dev
  libxml2-utils fonts-dejavu-core fonts-liberation2 desktop-file-utils
  appstream appstream-util libsecret-1-dev libpam0g-dev
)
CUSTODIAN_TEST_PACKAGES=(
  xvfb xauth libgl1-mesa-dri poppler-utils qpdf valgrind clang
  libclang-rt-14-dev python3 openssl flatpak-builder gnome-keyring dbus
  locales-all python3-aiosmtpd zbar-tools tesseract-ocr ccache
)

custodian_install_packages () {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
