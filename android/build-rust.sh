#!/usr/bin/env bash
# Builds libdocket_ffi.so for the phones' ABIs with cargo-ndk, checks its 16 KB
# page alignment, and generates the Kotlin bindings.
#
#   android/build-rust.sh [JNI_LIBS_DIR] [BINDINGS_DIR]
#
# Defaults: wallet/src/main/jniLibs and wallet/build/generated/uniffi. The
# Gradle build (wallet/build.gradle.kts, task :wallet:buildRust) passes its own
# generated-source directories.
#
# Needs: the Android NDK r27 or later (ANDROID_NDK_HOME, or found by cargo-ndk
# in the SDK), `cargo install cargo-ndk`, and
# `rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`.
set -euo pipefail
ANDROID_DIR="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$ANDROID_DIR")"
JNI_LIBS="${1:-$ANDROID_DIR/wallet/src/main/jniLibs}"
BINDINGS="${2:-$ANDROID_DIR/wallet/build/generated/uniffi}"
MIN_SDK=26 # the same as minSdk in wallet/build.gradle.kts
# The workspace's profile for the phone library (Cargo.toml: everything for
# size, against the 5 MB budget).
PROFILE="${DOCKET_RUST_PROFILE:-mobile}"
cd "$ROOT"

# 16 KB pages (Android 15+ devices; Google Play requires it of apps targeting
# API 35+). NDK r28 and later link the 64-bit ABIs at 16 KB already; r27
# needs the flag. 32-bit ARM devices all use 4 KB pages.
page16k="-C link-arg=-Wl,-z,max-page-size=16384"
export CARGO_TARGET_AARCH64_LINUX_ANDROID_RUSTFLAGS="${CARGO_TARGET_AARCH64_LINUX_ANDROID_RUSTFLAGS:-} $page16k"
export CARGO_TARGET_X86_64_LINUX_ANDROID_RUSTFLAGS="${CARGO_TARGET_X86_64_LINUX_ANDROID_RUSTFLAGS:-} $page16k"

echo "==> cargo ndk ($PROFILE): arm64-v8a, armeabi-v7a, x86_64"
cargo ndk --platform "$MIN_SDK" -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$JNI_LIBS" \
    build --locked --profile "$PROFILE" -p docket-ffi

echo "==> 16 KB alignment"
ndk="${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}"
readelf="$(ls "$ndk"/toolchains/llvm/prebuilt/*/bin/llvm-readelf 2>/dev/null | head -n 1 || true)"
readelf="${readelf:-$(command -v llvm-readelf || command -v readelf)}"
for abi in arm64-v8a x86_64; do
    lib="$JNI_LIBS/$abi/libdocket_ffi.so"
    for align in $("$readelf" -lW "$lib" | awk '$1 == "LOAD" { print $NF }'); do
        if (( align < 16384 )); then
            echo "$lib has a LOAD segment aligned to $align bytes; 16 KB devices cannot load it" >&2
            exit 1
        fi
    done
done

echo "==> Kotlin bindings"
# From the host build: the phone libraries are stripped, and the generator
# reads the interface from the library's symbols. The interface is the same.
cargo build --locked -q -p docket-ffi
target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
# Without the software-stores feature (test-only exports), as the phones'.
host_lib="$target_dir/debug/libdocket_ffi.so"
[[ "$(uname -s)" == Darwin ]] && host_lib="$target_dir/debug/libdocket_ffi.dylib"
(cd bindings && cargo run --locked -q -p docket-ffi --features bindgen --bin uniffi-bindgen -- \
    generate --library "$host_lib" --language kotlin --no-format --out-dir "$BINDINGS")
ls -l "$JNI_LIBS"/*/libdocket_ffi.so
