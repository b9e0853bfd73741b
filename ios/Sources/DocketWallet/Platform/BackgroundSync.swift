// iOS only: compiled by Xcode for the app, never on Linux.
#if canImport(Security) && os(iOS) && canImport(BackgroundTasks)
import BackgroundTasks
import Foundation

/// Syncs the wallet while the app is in the background, through
/// `BGTaskScheduler` app-refresh tasks: queued check-ins and address
/// changes go out, hearings and trust data come in.
///
/// The app's Info.plist must list ``identifier`` under
/// `BGTaskSchedulerPermittedIdentifiers` and have the `fetch` background
/// mode (`UIBackgroundModes`). Call ``register(wallet:)`` before
/// `application(_:didFinishLaunchingWithOptions:)` returns, and
/// ``schedule(after:)`` when the app moves to the background.
public enum DocketBackgroundSync {
    /// The task identifier (as listed in Info.plist).
    public static let identifier = "org.docketwallet.sync"

    /// Seconds a pass may take: app-refresh tasks get about 30 s.
    public static let passDeadline: TimeInterval = 25

    /// Registers the launch handler. `wallet` returns the app's open wallet
    /// (or `nil` when there is none yet, e.g. before enrollment).
    ///
    /// - Returns: whether the system accepted the registration.
    @discardableResult
    public static func register(
        wallet: @escaping @Sendable () async -> DocketWallet?
    ) -> Bool {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            let handle = TaskHandle(task: task)
            let work = Task {
                guard let wallet = await wallet() else { return (success: true, next: nil as Date?) }
                do {
                    let summary = try await wallet.sync(deadline: passDeadline, waitForRetries: true)
                    let next = summary.nextAttemptAtUnix.map {
                        Date(timeIntervalSince1970: TimeInterval($0))
                    }
                    return (success: summary.stop != .offline, next: next)
                } catch {
                    return (success: false, next: nil as Date?)
                }
            }
            // Time is up: stop waiting; the library finishes (or releases)
            // the item it is sending, so nothing is lost or sent twice.
            handle.task.expirationHandler = { work.cancel() }
            Task {
                let outcome = await work.value
                try? schedule(after: outcome.next.map { max(60, $0.timeIntervalSinceNow) } ?? 15 * 60)
                handle.task.setTaskCompleted(success: outcome.success)
            }
        }
    }

    /// Asks for the next background pass no earlier than `after` seconds
    /// from now (the system decides when it really runs).
    public static func schedule(after: TimeInterval = 15 * 60) throws {
        let request = BGAppRefreshTaskRequest(identifier: identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: after)
        try BGTaskScheduler.shared.submit(request)
    }
}

/// A `BGTask` carried into Swift concurrency. `@unchecked Sendable`:
/// `BGTask`'s `expirationHandler` and `setTaskCompleted(success:)` may be
/// used from any thread.
private struct TaskHandle: @unchecked Sendable {
    let task: BGTask
}
#endif
