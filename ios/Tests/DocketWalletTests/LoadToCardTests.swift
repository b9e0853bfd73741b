import DocketWallet
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XCTest

/// How long an app start takes to draw the card, measured (printed, never
/// asserted) in a fresh process: `DocketLoadProbe` is started, the dynamic
/// loader maps the Swift runtime, Foundation and the Rust library, then the
/// probe opens the enrolled wallet and reads and re-verifies the card.
final class LoadToCardTests: XCTestCase {
    func testLoadToCardInAFreshProcess() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, holder) = try await enrolledTestWallet(portal)
        portal.stop()  // the card is shown offline

        // What the probe's stores need: the public key and the database key.
        let keys = portal.directory.appendingPathComponent("probe-keys", isDirectory: true)
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        try subject.keys.publicKey().write(to: keys.appendingPathComponent("device-key.pub"))
        for (name, secret) in subject.secrets.all {
            try secret.write(to: keys.appendingPathComponent("secret-\(name)"))
        }

        let probe = Process()
        probe.executableURL = Self.probeExecutable
        probe.arguments = [subject.configuration.databaseURL.path, keys.path, try portal.rootKey]
        let output = Pipe()
        probe.standardOutput = output
        probe.standardError = output
        let spawned = Self.monotonicNanos()
        try probe.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        TestPortal.waitForExit(probe)
        XCTAssertEqual(probe.terminationStatus, 0, text)

        var figures: [String: String] = [:]
        for pair in text.split(whereSeparator: \.isWhitespace) {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { figures[String(parts[0])] = String(parts[1]) }
        }
        XCTAssertEqual(figures["serial"], holder.serial, text)
        guard let main = figures["main"].flatMap(UInt64.init),
            let opened = figures["opened"].flatMap(UInt64.init),
            let card = figures["card"].flatMap(UInt64.init)
        else {
            return XCTFail("the probe printed no figures: \(text)")
        }
        func ms(_ from: UInt64, _ to: UInt64) -> String {
            String(format: "%.1f", Double(to &- from) / 1e6)
        }
        print("swift: load-to-card \(ms(spawned, card)) ms")
        print(
            "swift: load-to-card detail: process start and loading to main \(ms(spawned, main)) ms, "
                + "open \(ms(main, opened)) ms, card \(ms(opened, card)) ms")
    }

    /// The probe, built next to the test bundle.
    static var probeExecutable: URL {
        var url = Bundle(for: LoadToCardTests.self).bundleURL
        while url.pathExtension == "xctest" || url.lastPathComponent == "Contents" || url.lastPathComponent == "MacOS" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("DocketLoadProbe")
    }

    /// CLOCK_MONOTONIC in nanoseconds, as the probe reads it.
    static func monotonicNanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
