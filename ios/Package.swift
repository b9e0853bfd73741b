// swift-tools-version:6.0
// DocketWallet: the Swift facade over the Rust library `docket-ffi`.
//
// Two ways to get the Rust library, chosen when the manifest is read:
// - `DocketFFIFFI.xcframework` beside this file (made on a Mac by
//   `build-xcframework.sh`): the static library for iOS devices and
//   simulators, linked as a binary target.
// - otherwise (Linux, macOS hosts without the XCFramework, and whenever
//   `DOCKET_FFI_LINK=host`): the C header and module map in
//   `Sources/DocketFFIFFI` as a system library, linked to the host-built
//   shared library `../target/debug/libdocket_ffi.so` (or the folder in
//   `DOCKET_FFI_LIB_DIR`) with `-L` and an rpath, so tests run without any
//   environment variables. Static linking does not work there: Rust's LLVM
//   is newer than Swift 6.0's, and SwiftPM would not track the archive.
//
// `scripts/test-swift` builds the Rust library, regenerates
// `Sources/DocketFFI/DocketFFI.swift` and `Sources/DocketFFIFFI/DocketFFIFFI.h`
// (copied only when they change) and runs `swift test`.
import Foundation
import PackageDescription

let packageDirectory = URL(fileURLWithPath: Context.packageDirectory)
let rustLibraryDirectory = Context.environment["DOCKET_FFI_LIB_DIR"]
    ?? packageDirectory.appendingPathComponent("../target/debug").standardizedFileURL.path
let xcframework = "DocketFFIFFI.xcframework"
// `DOCKET_FFI_LINK=host` forces the host library even when the XCFramework
// exists (scripts/test-swift sets it: `swift test` runs on the host).
let useXCFramework = Context.environment["DOCKET_FFI_LINK"] != "host"
    && FileManager.default.fileExists(atPath: packageDirectory.appendingPathComponent(xcframework).path)

let ffiTarget: Target = useXCFramework
    ? .binaryTarget(name: "DocketFFIFFI", path: xcframework)
    : .systemLibrary(name: "DocketFFIFFI", path: "Sources/DocketFFIFFI")

let ffiLinkerSettings: [LinkerSetting] = useXCFramework
    // The static library needs only libSystem (reqwest is built without
    // the macOS proxy lookup, rustls uses bundled roots).
    ? []
    : [
        .linkedLibrary("docket_ffi"),
        .unsafeFlags([
            "-L", rustLibraryDirectory,
            "-Xlinker", "-rpath", "-Xlinker", rustLibraryDirectory,
        ]),
    ]

let package = Package(
    name: "DocketWallet",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "DocketWallet", targets: ["DocketWallet"]),
    ],
    targets: [
        ffiTarget,
        // The uniffi-generated Swift (gitignored; written by
        // scripts/test-swift or build-xcframework.sh).
        .target(
            name: "DocketFFI",
            dependencies: ["DocketFFIFFI"],
            path: "Sources/DocketFFI",
            linkerSettings: ffiLinkerSettings
        ),
        .target(
            name: "DocketWallet",
            dependencies: ["DocketFFI"],
            path: "Sources/DocketWallet"
        ),
        // A test helper, not shipped: measures an app start (a fresh
        // process) to the card; run by LoadToCardTests.
        .executableTarget(
            name: "DocketLoadProbe",
            dependencies: ["DocketWallet"],
            path: "Sources/DocketLoadProbe"
        ),
        .testTarget(
            name: "DocketWalletTests",
            dependencies: ["DocketWallet", "DocketLoadProbe"],
            path: "Tests/DocketWalletTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
