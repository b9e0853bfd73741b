import DocketWallet
import Foundation
import XCTest

/// Many tasks at once on one wallet.
final class ConcurrencyTests: XCTestCase {
    /// Twenty check-ins from a task group make twenty distinct pending
    /// items, and the outbox stream catches up with all of them.
    func testTwentyConcurrentCheckInsMakeTwentyDistinctItems() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let wallet = try await openTestWallet(portal).wallet
        let recorder = Recorder<[OutboxItemView]>()
        let reader = recorder.record(wallet.outbox)
        defer { reader.cancel() }

        let items = try await withThrowingTaskGroup(of: OutboxItemView.self) { group in
            for n in 0..<20 {
                group.addTask { try await wallet.checkIn(note: "task \(n)") }
            }
            var items: [OutboxItemView] = []
            for try await item in group { items.append(item) }
            return items
        }
        XCTAssertEqual(items.count, 20)
        XCTAssertEqual(Set(items.map(\.id)).count, 20)
        XCTAssertEqual(Set(items.map(\.idempotencyKey)).count, 20)

        let pending = try await wallet.pending()
        XCTAssertEqual(Set(pending.map(\.idempotencyKey)), Set(items.map(\.idempotencyKey)))
        _ = try await eventually("the outbox stream to list all twenty") {
            recorder.all.contains { $0.count == 20 } ? true : nil
        }
    }

    /// A new `outbox` reader gets the current list first.
    func testOutboxStreamStartsWithTheCurrentList() async throws {
        let portal = try TestPortal()
        defer { portal.stop(removingFiles: true) }
        let wallet = try await openTestWallet(portal).wallet
        let item = try await wallet.checkIn()
        var iterator = wallet.outbox.makeAsyncIterator()
        let first = await iterator.next()
        XCTAssertEqual(first?.map(\.idempotencyKey), [item.idempotencyKey])
    }
}
