#!/usr/bin/env bash
# Installs the Debian 12 packages nianbao builds and tests with. Run as root,
# or as a user with sudo. Safe to run again.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git
  libyaml-cpp-dev libboost-dev libcli11-dev libfmt-dev libicu-dev libssl-dev nlohmann-json3-dev
  libxlsxwriter-dev zlib1g-dev   # xlsxwriter.pc links -lz, yet the -dev package does not bring zlib's
  libpodofo-dev libharfbuzz-dev libfontconfig-dev libfreetype-dev libdeflate-dev   # PDF: PoDoFo 0.9 for the file, HarfBuzz (hb-subset) and fontconfig for the faces, FreeType for a CFF program's CIDs, libdeflate
  texlive-lang-chinese fonts-noto-cjk   # GB/T 9704's faces: FandolFang/Hei/Kai/Song (仿宋 黑体 楷体 宋体), Noto Serif CJK SC Bold (小标宋)
  fonts-wqy-microhei fonts-lxgw-wenkai   # the faces of the lingbao profile
  liborcus-dev libzip-dev libexpat1-dev   # the xlsx input: LibreOffice's import library reads .xlsx/.ods; libzip mends what it cannot follow; expat checks the XML first
  poppler-utils                                                          # the tests read PDFs with pdftotext/pdffonts
  libreoffice-calc-nogui fonts-dejavu-core   # the tests recalculate the templates' checks and save .ods as a clerk would
  libgtest-dev python3 python3-openpyxl   # the tests read workbooks back with openpyxl
  chromium   # the tests render the html output's page in headless Chromium and check it is not blank
  clang libclang-rt-14-dev   # libFuzzer, for tests/fuzz
)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "nianbao: build dependencies installed"
