import DocketWallet
import Foundation
import XCTest

/// The holder's and the officer's main journeys through the Swift facade,
/// against the real reference portal on loopback.
final class EndToEndTests: XCTestCase {
    /// Enroll; the card is valid with the holder's fields; the officer's
    /// phone downloads its lists; the live QR, drawn from its modules,
    /// scans as valid and live, and the same frame shown again after the
    /// officer's app restarts is refused as a replay. A released wallet
    /// ends its streams, and the enrolled wallet opens again.
    func testEnrollShowCardAndScanTheLiveCode() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let holder = try portal.addHolder(hearingsJSON: twoHearingsJSON())
        let keys = try HostKeyStore()
        let secrets = MemorySecretStore()
        let configuration = try testConfiguration(portal)
        var wallet: DocketWallet? = try await DocketWallet.open(
            configuration, keyStore: keys, secretStore: secrets)

        let before = try await wallet!.card()
        XCTAssertNil(before, "no card before enrollment")
        let enrolled = try await wallet!.enroll(
            portal: portal.url, cardQR: holder.cardQR, activationCode: holder.activationCode)
        XCTAssertTrue(enrolled.verdict.valid, "\(enrolled.verdict.reasons)")
        XCTAssertEqual(enrolled.hearings, 2)

        let card = try await wallet!.card()
        let shown = try XCTUnwrap(card)
        XCTAssertTrue(shown.verdict.valid, "\(shown.verdict.reasons)")
        XCTAssertEqual(shown.photo, TestPortal.photo)
        let fields = try XCTUnwrap(shown.verdict.holder)
        XCTAssertEqual(fields.familyName, "Nguyễn")
        XCTAssertEqual(fields.givenNames, "Thị Lan")
        XCTAssertEqual(fields.dateOfBirth, "1985-03")
        XCTAssertEqual(fields.sex, "F")
        XCTAssertEqual(fields.nationality, "VNM")
        XCTAssertEqual(fields.expires, "2030-06-30")
        XCTAssertEqual(fields.cardNumber, holder.serial)
        XCTAssertTrue(fields.boundToPhone)

        let hearings = try await wallet!.hearings()
        XCTAssertEqual(hearings.upcoming.map(\.id), ["EOIR-HOU-1", "EOIR-HOU-2"])
        XCTAssertEqual(hearings.freshness, .fresh)
        XCTAssertEqual(hearings.upcoming.first?.timeZone, "America/Chicago")

        // The officer's phone: roots built in, lists downloaded.
        var officer: DocketVerifier? = try await openTestVerifier(portal)
        let empty = try officer!.freshness()
        XCTAssertFalse(empty.ready)
        XCTAssertEqual(empty.trustList.state, .missing)
        let update = try await officer!.updateLists()
        guard case .installed = update.trustList, case .installed = update.statusList else {
            return XCTFail("the lists were not installed: \(update)")
        }
        XCTAssertTrue(update.freshness.ready, "\(update.freshness.reasons)")
        let qr = try await wallet!.liveQR()
        XCTAssertEqual(qr.modules.count, Int(qr.size * qr.size))
        XCTAssertLessThanOrEqual(qr.version, 12, "live codes stay at QR version 12 or less")
        let frame = qr.lumaFrame(pixelsPerModule: 4, quietZoneModules: 4)
        XCTAssertEqual(frame.width, (Int(qr.size) + 8) * 4)
        let verdict = try XCTUnwrap(try officer!.scanFrame(frame), "the frame holds a code")
        XCTAssertTrue(verdict.valid, "\(verdict.reasons)")
        XCTAssertEqual(verdict.form, .live)
        XCTAssertEqual(verdict.holder?.familyName, "Nguyễn")

        // The officer's app restarts: the lists and the codes seen are kept.
        officer = nil
        let verifier = try await openTestVerifier(portal)
        XCTAssertTrue(try verifier.freshness().ready, "the lists were kept")
        let replay = try XCTUnwrap(try verifier.scanFrame(frame))
        XCTAssertFalse(replay.valid)
        XCTAssertEqual(replay.reasons.map(\.code), ["live_code_replayed"])
        let second = try await verifier.updateLists()
        XCTAssertEqual(second.trustList, .alreadyCurrent)
        XCTAssertEqual(second.statusList, .alreadyCurrent)
        XCTAssertNotNil(second.freshness.lastUpdateUnix)

        // A frame with no code, and one whose bytes do not match its size.
        let blank = LumaFrame(luma: Data(repeating: 128, count: 64 * 64), width: 64, height: 64)
        XCTAssertNil(try verifier.scanFrame(blank))
        let short = LumaFrame(luma: Data(count: 10), width: 64, height: 64)
        let badFrame = await docketError { try verifier.scanFrame(short) }
        XCTAssertEqual(badFrame?.code, "bad_frame")

        // A released wallet ends its streams.
        let reader = Recorder<[OutboxItemView]>().record(wallet!.outbox)
        wallet = nil
        let ended = await Task { await reader.value; return true }.value
        XCTAssertTrue(ended)

        // Open again (the library already loaded: see LoadToCardTests for
        // a cold start) and show the card.
        let reopened = try await DocketWallet.open(configuration, keyStore: keys, secretStore: secrets)
        let again = try await reopened.card()
        XCTAssertEqual(again?.verdict.valid, true)
    }

    /// A check-in queued while the portal is down stays queued (the pass
    /// stops `offline`); once the portal is back, a pass sends it and the
    /// portal has it exactly once. The `outbox` stream shows the queued
    /// item, then the empty list.
    func testOfflineCheckInIsDeliveredExactlyOnceWhenThePortalReturns() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, _) = try await enrolledTestWallet(portal)
        let wallet = subject.wallet
        let recorder = Recorder<[OutboxItemView]>()
        let reader = recorder.record(wallet.outbox)
        defer { reader.cancel() }

        portal.stop()
        let item = try await wallet.checkIn(note: "checked in with no signal")
        XCTAssertEqual(item.state, .queued)
        XCTAssertEqual(item.kind, .checkIn)
        _ = try await eventually("the outbox stream to show the queued item") { () -> Bool? in
            recorder.all.contains { list in list.map(\.idempotencyKey) == [item.idempotencyKey] } ? true : nil
        }
        let offline = try await wallet.sync()
        XCTAssertEqual(offline.stop, .offline)
        XCTAssertEqual(offline.sent, 0)
        XCTAssertEqual(offline.stillPending, 1)
        let pending = try await wallet.pending()
        XCTAssertEqual(pending.map(\.idempotencyKey), [item.idempotencyKey])
        XCTAssertEqual(pending.first?.state, .queued)

        try portal.restart()
        let online = try await wallet.sync(deadline: 10, waitForRetries: true)
        XCTAssertEqual(online.stop, .done)
        XCTAssertEqual(online.sent, 1)
        XCTAssertEqual(online.stillPending, 0)
        let history = try await wallet.history()
        XCTAssertEqual(history.first?.idempotencyKey, item.idempotencyKey)
        XCTAssertEqual(history.first?.state, .sent)
        XCTAssertNotNil(history.first?.reference, "the portal's reference is the holder's proof")
        XCTAssertEqual(try portal.timesReceived(item.idempotencyKey), 1)

        // Another pass sends nothing again.
        let idle = try await wallet.sync(deadline: 5)
        XCTAssertEqual(idle.sent, 0)
        XCTAssertEqual(try portal.timesReceived(item.idempotencyKey), 1)

        let lists = try await eventually("the outbox stream to show the queue emptied") { () -> [[OutboxItemView]]? in
            let lists = recorder.all
            guard let queued = lists.firstIndex(where: { list in
                list.contains { $0.idempotencyKey == item.idempotencyKey && $0.state == .queued }
            }) else { return nil }
            return lists[(queued + 1)...].contains(where: \.isEmpty) ? lists : nil
        }
        XCTAssertEqual(lists.last, [])
    }

    /// Cancelling the task that waits for a sync pass — while the pass is
    /// signing its request — ends that wait at once with
    /// `CancellationError`; the pass still completes, and the item is
    /// committed as sent and received exactly once.
    func testCancelledSyncTaskStillCommitsTheItem() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, _) = try await enrolledTestWallet(portal)
        let wallet = subject.wallet
        let item = try await wallet.checkIn(note: "sent by a cancelled task")

        let gate = subject.keys.holdNextSignature()
        let syncing = Task { try await wallet.sync(deadline: 10, waitForRetries: true) }
        _ = try await eventually("the pass to sign its first request") {
            gate.signatureRequested ? true : nil
        }
        syncing.cancel()
        let outcome = await syncing.result
        XCTAssertThrowsError(try outcome.get(), "the cancelled wait ends while the pass is still signing") {
            XCTAssertTrue($0 is CancellationError, "\($0)")
        }
        gate.open()

        let sent = try await eventually("the item to be committed as sent") { () -> OutboxItemView? in
            try await wallet.history().first { $0.idempotencyKey == item.idempotencyKey }
        }
        XCTAssertEqual(sent.state, .sent)
        XCTAssertNotNil(sent.reference)
        let pending = try await wallet.pending()
        XCTAssertEqual(pending, [])
        XCTAssertEqual(try portal.timesReceived(item.idempotencyKey), 1)
    }

    /// A hearing moved at the portal shows up, after a sync, in the pass's
    /// summary and on the `hearingChanges` stream.
    func testMovedHearingArrivesOnTheHearingChangesStream() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let (subject, holder) = try await enrolledTestWallet(portal, hearingsJSON: twoHearingsJSON())
        let wallet = subject.wallet
        let recorder = Recorder<HearingChangesView>()
        let reader = recorder.record(wallet.hearingChanges)
        defer { reader.cancel() }

        let moved = try await wallet.hearings().upcoming[0]
        let newStart = String(moved.startsLocal.prefix(10)) + "T15:30:00"
        try portal.moveHearing(serial: holder.serial, id: moved.id, startsLocal: newStart)
        let summary = try await wallet.sync(deadline: 10)
        XCTAssertEqual(summary.hearingChanges?.moved.map(\.id), [moved.id])

        let changes = try await eventually("the hearing change on the stream") {
            recorder.all.first
        }
        XCTAssertEqual(changes.moved.map(\.id), [moved.id])
        XCTAssertEqual(changes.moved.first?.startsLocal, newStart)
        XCTAssertEqual(changes.moved.first?.status, .rescheduled)
        let now = try await wallet.hearings().upcoming.first { $0.id == moved.id }
        XCTAssertEqual(now?.startsLocal, newStart)
    }
}
