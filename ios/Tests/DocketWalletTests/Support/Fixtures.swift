import DocketWallet
import Foundation
import XCTest

/// A wallet under test with the stores and portal it uses.
struct WalletUnderTest {
    let portal: TestPortal
    let keys: HostKeyStore
    let secrets: MemorySecretStore
    let configuration: DocketWalletConfiguration
    let wallet: DocketWallet
}

/// A wallet configuration for `portal` in its folder: the portal's root
/// built in, short timeouts and retries.
func testConfiguration(_ portal: TestPortal, file: String = "wallet.sqlite") throws -> DocketWalletConfiguration {
    DocketWalletConfiguration(
        databaseURL: portal.directory.appendingPathComponent("wallets", isDirectory: true)
            .appendingPathComponent(file),
        rootKeys: [try portal.rootKey],
        requestTimeout: 5,
        retryBase: 0.05)
}

/// Opens (or reopens) the officer's phone in `portal`'s folder, trusting
/// its root and downloading from it.
func openTestVerifier(_ portal: TestPortal) async throws -> DocketVerifier {
    try await DocketVerifier.open(
        stateDirectory: portal.directory.appendingPathComponent("officer", isDirectory: true),
        rootKeys: [try portal.rootKey],
        portal: portal.url,
        requestTimeout: 5)
}

/// Opens a new wallet against `portal` with host stores.
func openTestWallet(
    _ portal: TestPortal,
    file: String = "wallet.sqlite",
    keys: HostKeyStore? = nil
) async throws -> WalletUnderTest {
    let keys = try keys ?? HostKeyStore()
    let secrets = MemorySecretStore()
    let configuration = try testConfiguration(portal, file: file)
    let wallet = try await DocketWallet.open(configuration, keyStore: keys, secretStore: secrets)
    return WalletUnderTest(
        portal: portal, keys: keys, secrets: secrets, configuration: configuration, wallet: wallet)
}

/// Opens a wallet and enrolls it as a new holder of `portal`.
func enrolledTestWallet(
    _ portal: TestPortal,
    hearingsJSON: String? = nil
) async throws -> (WalletUnderTest, TestPortal.Holder) {
    let holder = try portal.addHolder(hearingsJSON: hearingsJSON)
    let subject = try await openTestWallet(portal)
    let summary = try await subject.wallet.enroll(
        portal: portal.url, cardQR: holder.cardQR, activationCode: holder.activationCode)
    XCTAssertTrue(summary.verdict.valid, "\(summary.verdict.reasons)")
    return (subject, holder)
}

/// Two hearings at a Houston court, 21 and 95 days from now at 09:00 and
/// 13:00 court time, in the portal API's array form.
func twoHearingsJSON() -> String {
    let zone = "America/Chicago"
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    func local(daysAhead: Int, hour: Int) -> String {
        let day = calendar.date(byAdding: .day, value: daysAhead, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02dT%02d:00:00", parts.year!, parts.month!, parts.day!, hour)
    }
    func hearing(_ id: String, _ starts: String, _ kind: String) -> String {
        """
        {"id":"\(id)","starts":{"local":"\(starts)","time_zone":"\(zone)"},\
        "court":{"name":"Houston Immigration Court","address":"600 Jefferson St, Suite 900\\nHouston, TX 77002"},\
        "judge":"Hon. Ana Rivera","kind":"\(kind)","status":"scheduled"}
        """
    }
    return "[" + hearing("EOIR-HOU-1", local(daysAhead: 21, hour: 9), "master_calendar") + ","
        + hearing("EOIR-HOU-2", local(daysAhead: 95, hour: 13), "individual") + "]"
}

/// Runs `body` and returns the ``DocketError`` it throws; records a failure
/// if it returns or throws anything else.
func docketError<T>(
    _ body: () async throws -> T,
    file: StaticString = #filePath,
    line: UInt = #line
) async -> DocketError? {
    do {
        let value = try await body()
        XCTFail("expected a DocketError, got \(value)", file: file, line: line)
    } catch let error as DocketError {
        return error
    } catch {
        XCTFail("expected a DocketError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}

/// Collects what a stream yields, for later assertions.
///
/// `@unchecked Sendable`: the values are behind `lock`.
final class Recorder<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Element] = []

    /// Reads `stream` in a new task until it ends or the task is cancelled.
    func record(_ stream: AsyncStream<Element>) -> Task<Void, Never> {
        Task {
            for await value in stream {
                lock.locked { values.append(value) }
            }
        }
    }

    /// Everything yielded so far.
    var all: [Element] {
        lock.locked { values }
    }
}
