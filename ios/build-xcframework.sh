#!/usr/bin/env bash
# Builds what an iOS app needs from the Rust side, on a Mac with Xcode and
# rustup (it cannot run on Linux: it needs Apple's SDKs, lipo and xcodebuild):
#
#   ios/DocketFFIFFI.xcframework      the static library `libdocket_ffi.a` for
#                                     iOS devices (arm64) and the simulator
#                                     (arm64 + x86_64, one fat archive), with
#                                     the C header and module map
#   ios/Sources/DocketFFI/DocketFFI.swift   the uniffi-generated Swift
#
# With the XCFramework present, Package.swift links it as a binary target
# instead of the host's shared library, so the app (or an Xcode project that
# adds this package by local path) builds for devices and simulators.
#
# Usage: ios/build-xcframework.sh [--debug]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
cd "$repo"

if [[ "$(uname -s)" != Darwin ]]; then
  echo "build-xcframework.sh: needs macOS with Xcode (xcodebuild, lipo, the iOS SDKs)" >&2
  exit 1
fi

# The workspace's profile for the phone library (Cargo.toml: everything for
# size, fat LTO), as android/build-rust.sh uses.
profile=mobile
cargo_profile=(--profile mobile)
if [[ "${1:-}" == "--debug" ]]; then
  profile=debug
  cargo_profile=()
fi

# The package's minimum (Package.swift: .iOS(.v15)); cc-built C code
# (SQLite, ring) reads it too.
export IPHONEOS_DEPLOYMENT_TARGET=15.0

device=aarch64-apple-ios
simulators=(aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "$device" "${simulators[@]}"

echo "==> cargo build (docket-ffi staticlib) for $device ${simulators[*]}"
for target in "$device" "${simulators[@]}"; do
  cargo build --locked "${cargo_profile[@]}" -p docket-ffi --lib --target "$target"
done

# Library-mode generation reads the uniffi metadata from a built library:
# use the host's, built from the same sources. It must run in the crate's
# folder (it looks for uniffi.toml there).
echo "==> uniffi-bindgen (Swift)"
cargo build --locked "${cargo_profile[@]}" -p docket-ffi --lib
work="$repo/target/xcframework"
rm -rf "$work"
mkdir -p "$work/generated" "$work/headers/DocketFFIFFI" "$work/ios-simulator"
(cd bindings && cargo run --locked -q -p docket-ffi --features bindgen --bin uniffi-bindgen -- \
  generate --library "$repo/target/$profile/libdocket_ffi.dylib" --language swift --no-format \
  --out-dir "$work/generated")

# Headers in a folder of their own, so that this module map cannot clash
# with another XCFramework's in the app's include path; the module map must
# be named module.modulemap.
cp "$work/generated/DocketFFIFFI.h" "$work/headers/DocketFFIFFI/"
cp "$here/Sources/DocketFFIFFI/module.modulemap" "$work/headers/DocketFFIFFI/module.modulemap"

echo "==> lipo: one simulator archive (arm64 + x86_64)"
lipo -create \
  "target/aarch64-apple-ios-sim/$profile/libdocket_ffi.a" \
  "target/x86_64-apple-ios/$profile/libdocket_ffi.a" \
  -output "$work/ios-simulator/libdocket_ffi.a"

echo "==> xcodebuild -create-xcframework"
rm -rf "$here/DocketFFIFFI.xcframework"
xcodebuild -create-xcframework \
  -library "target/$device/$profile/libdocket_ffi.a" -headers "$work/headers" \
  -library "$work/ios-simulator/libdocket_ffi.a" -headers "$work/headers" \
  -output "$here/DocketFFIFFI.xcframework"

# Copy the generated Swift only when it changed (SwiftPM rebuilds on any
# new timestamp).
for pair in "DocketFFI.swift:Sources/DocketFFI" "DocketFFIFFI.h:Sources/DocketFFIFFI"; do
  file="${pair%%:*}" dir="${pair#*:}"
  if ! cmp -s "$work/generated/$file" "$here/$dir/$file"; then
    cp "$work/generated/$file" "$here/$dir/$file"
  fi
done

echo "==> built $here/DocketFFIFFI.xcframework"
ls "$here/DocketFFIFFI.xcframework"
