import DocketWallet
import Foundation
import XCTest

/// Every failure comes back as a typed `DocketError` with a stable code —
/// never a crash, whatever the app's own adapters throw.
final class ErrorTests: XCTestCase {
    /// A wrong activation code is an `.Enrollment` error with code
    /// `activation_code_wrong`; nothing was saved, and enrolling again
    /// with the right code works.
    func testWrongActivationCodeIsAnEnrollmentError() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let holder = try portal.addHolder()
        let wallet = try await openTestWallet(portal).wallet

        let error = await docketError {
            try await wallet.enroll(
                portal: portal.url, cardQR: holder.cardQR, activationCode: "AAAA-AAAA-AAAA")
        }
        guard case .Enrollment(let code, let message)? = error else {
            return XCTFail("expected .Enrollment, got \(String(describing: error))")
        }
        XCTAssertEqual(code, "activation_code_wrong")
        XCTAssertFalse(message.isEmpty)
        XCTAssertEqual(error?.code, "activation_code_wrong")
        let card = try await wallet.card()
        XCTAssertNil(card, "nothing was saved")

        let summary = try await wallet.enroll(
            portal: portal.url, cardQR: holder.cardQR, activationCode: holder.activationCode)
        XCTAssertTrue(summary.verdict.valid)
    }

    /// An address the library cannot accept is `.InvalidInput` naming the
    /// problem; a good one is queued as an address change.
    func testBadAddressIsInvalidInput() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, _) = try await enrolledTestWallet(portal)
        let wallet = subject.wallet
        var address = AddressInput(
            street1: "1 Main St", street2: nil, city: "Austin", state: "Texas", zip: "78701")

        let badState = await docketError {
            try await wallet.reportMove(address: address, movedOn: "2026-11-20", today: "2026-11-22")
        }
        guard case .InvalidInput(let code, let message)? = badState else {
            return XCTFail("expected .InvalidInput, got \(String(describing: badState))")
        }
        XCTAssertFalse(code.isEmpty)
        XCTAssertFalse(message.isEmpty)

        address.state = "TX"
        let badDate = await docketError {
            try await wallet.reportMove(address: address, movedOn: "the 20th", today: "2026-11-22")
        }
        XCTAssertEqual(badDate?.code, "bad_date")

        // `today` defaults to the phone's date.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let day = calendar.dateComponents([.year, .month, .day], from: Date().addingTimeInterval(-86_400))
        let yesterday = String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!)
        let item = try await wallet.reportMove(address: address, movedOn: yesterday)
        XCTAssertEqual(item.kind, .addressChange)
        XCTAssertEqual(item.state, .queued)
    }

    /// A key store whose `sign` throws an arbitrary Swift error makes the
    /// call fail with a typed `DocketError.KeyStore` (not a crash), and the
    /// wallet works again once the key store does.
    func testThrowingKeyStoreBecomesATypedError() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, _) = try await enrolledTestWallet(portal)

        subject.keys.failSigning(true)
        let error = await docketError { try await subject.wallet.liveQR() }
        guard case .KeyStore(let code, let message)? = error else {
            return XCTFail("expected .KeyStore, got \(String(describing: error))")
        }
        XCTAssertEqual(code, "key_store_failed")
        XCTAssertTrue(message.contains("told to fail"), message)

        subject.keys.failSigning(false)
        let qr = try await subject.wallet.liveQR()
        XCTAssertFalse(qr.text.isEmpty)
    }

    /// A locked key store (before the first unlock after a restart) is a
    /// `.KeyStore` error with its own code, so the app can say "unlock your
    /// phone"; once unlocked, the same wallet works.
    func testLockedKeyStoreSaysUnlock() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, _) = try await enrolledTestWallet(portal)

        subject.keys.lockUntilUnlocked(true)
        let error = await docketError { try await subject.wallet.liveQR() }
        XCTAssertEqual(error?.code, "key_store_locked")
        XCTAssertTrue(error?.message.contains("unlock") ?? false, String(describing: error))

        subject.keys.lockUntilUnlocked(false)
        let qr = try await subject.wallet.liveQR()
        XCTAssertFalse(qr.text.isEmpty)
    }

    /// A key store that cannot create the device key fails the open with
    /// `.KeyStore`.
    func testKeyStoreThatCannotCreateTheKeyFailsTheOpen() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let keys = try HostKeyStore()
        keys.failCreate(true)
        let error = await docketError { try await openTestWallet(portal, keys: keys) }
        guard case .KeyStore? = error else {
            return XCTFail("expected .KeyStore, got \(String(describing: error))")
        }
    }

    /// Before enrollment there is no card, and no live code to show.
    func testNoCardBeforeEnrollment() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let wallet = try await openTestWallet(portal).wallet
        let card = try await wallet.card()
        XCTAssertNil(card)
        let error = await docketError { try await wallet.liveQR() }
        guard case .NotEnrolled? = error else {
            return XCTFail("expected .NotEnrolled, got \(String(describing: error))")
        }
        XCTAssertEqual(error?.code, "not_enrolled")
    }

    /// A phone must have its issuer roots built in.
    func testRootKeysAreRequired() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        var configuration = try testConfiguration(portal)
        configuration.rootKeys = []
        let error = await docketError {
            try await DocketWallet.open(configuration, keyStore: try HostKeyStore(), secretStore: MemorySecretStore())
        }
        XCTAssertEqual(error?.code, "root_key")
    }

    /// An officer refuses lists that its root did not sign (and keeps
    /// none), cannot download without a portal, and refuses a damaged
    /// state, leaving it as it was.
    func testVerifierRefusesListsFromAnotherRootAndADamagedState() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        // RFC 8032's first test key: a genuine key, but not this issuer's root.
        let otherRoot = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        let stranger = try await DocketVerifier.open(
            stateDirectory: portal.directory.appendingPathComponent("stranger", isDirectory: true),
            rootKeys: [otherRoot], portal: portal.url, requestTimeout: 5)
        let update = try await stranger.updateLists()
        guard case .refused(let code, _) = update.trustList else {
            return XCTFail("expected the trust list refused, got \(update.trustList)")
        }
        XCTAssertEqual(code, "trust_list_bad_signature")
        XCTAssertFalse(update.freshness.ready)

        let noPortal = try await DocketVerifier.open(
            stateDirectory: portal.directory.appendingPathComponent("offline", isDirectory: true),
            rootKeys: [try portal.rootKey])
        let error = await docketError { try await noPortal.updateLists() }
        XCTAssertEqual(error?.code, "no_portal")
        let lists = try portal.lists()
        let installed = try await noPortal.installLists(trustList: lists.trust, statusList: lists.status)
        XCTAssertTrue(installed.freshness.ready, "\(installed.freshness.reasons)")

        let damagedDirectory = portal.directory.appendingPathComponent("damaged", isDirectory: true)
        try FileManager.default.createDirectory(at: damagedDirectory, withIntermediateDirectories: true)
        let stateFile = damagedDirectory.appendingPathComponent("officer-state.json")
        let damaged = Data("{\"trust_list\": ".utf8)
        try damaged.write(to: stateFile)
        let refused = await docketError {
            try await DocketVerifier.open(stateDirectory: damagedDirectory, rootKeys: [try portal.rootKey])
        }
        guard case .Storage(let storageCode, _)? = refused else {
            return XCTFail("expected .Storage, got \(String(describing: refused))")
        }
        XCTAssertEqual(storageCode, "officer_state_damaged")
        XCTAssertEqual(try Data(contentsOf: stateFile), damaged)
    }
}
