import DocketFFI
import Foundation

/// The library's ``WalletObserver``: turns its callbacks (made on the
/// library's own threads) into broadcasts for any number of `AsyncStream`
/// readers. Immutable itself; each broadcast guards its state with a lock.
final class WalletEvents: WalletObserver {
    /// Pending-item lists: the newest is replayed to a new reader.
    let outbox = Broadcast<[OutboxItemView]>(replaysLatest: true, buffering: .bufferingNewest(1))
    /// Hearing changes: events, every one kept until read.
    let hearings = Broadcast<HearingChangesView>(replaysLatest: false, buffering: .unbounded)

    func outboxChanged(pending: [OutboxItemView]) {
        outbox.send(pending)
    }

    func hearingsChanged(changes: HearingChangesView) {
        hearings.send(changes)
    }

    /// Ends every stream (the wallet is gone).
    func finish() {
        outbox.finish()
        hearings.finish()
    }
}

/// One value stream, many readers: each ``stream()`` gets every value sent
/// after it was made (and, if `replaysLatest`, the latest one first).
///
/// `@unchecked Sendable`: all mutable state is behind `lock`, and the
/// continuations it holds are themselves safe to use from any thread.
final class Broadcast<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private let replaysLatest: Bool
    private let buffering: AsyncStream<Element>.Continuation.BufferingPolicy
    private var readers: [UInt64: AsyncStream<Element>.Continuation] = [:]
    private var nextReader: UInt64 = 0
    private var latest: Element?
    private var finished = false

    init(replaysLatest: Bool, buffering: AsyncStream<Element>.Continuation.BufferingPolicy) {
        self.replaysLatest = replaysLatest
        self.buffering = buffering
    }

    /// A new reader's stream.
    func stream() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: Element.self, bufferingPolicy: buffering)
        let id: UInt64? = lock.locked {
            if finished { return nil }
            let id = nextReader
            nextReader += 1
            readers[id] = continuation
            if replaysLatest, let latest { continuation.yield(latest) }
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.remove(id)
        }
        return stream
    }

    /// Sends `value` to every reader.
    func send(_ value: Element) {
        lock.locked {
            latest = value
            for reader in readers.values { reader.yield(value) }
        }
    }

    /// Sets the latest value without sending it (what a new reader sees
    /// first), unless a value was already sent.
    func seed(_ value: Element) {
        lock.locked {
            if latest == nil {
                latest = value
                for reader in readers.values { reader.yield(value) }
            }
        }
    }

    /// Ends every reader's stream; later readers get an ended stream.
    func finish() {
        let ending = lock.locked {
            finished = true
            let all = readers
            readers = [:]
            return all
        }
        for reader in ending.values { reader.finish() }
    }

    private func remove(_ id: UInt64) {
        _ = lock.locked { readers.removeValue(forKey: id) }
    }
}
