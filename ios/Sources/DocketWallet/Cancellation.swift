import Foundation

/// Runs `work` in its own task and waits for its answer. If the calling
/// task is cancelled, the wait ends at once with `CancellationError`, but
/// `work` is not cancelled: it runs to its end (the library commits what
/// it started, e.g. an item the portal accepted is recorded as sent).
///
/// A task cancelled before the call starts no work and throws at once.
///
/// The uniffi-generated async functions do not react to Swift task
/// cancellation at all; this gives them the library's documented
/// semantics ("a cancelled call drops only the caller's wait").
func finishEvenIfCancelled<T: Sendable>(
    _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    try Task.checkCancellation()
    let relay = AnswerRelay<T>()
    // Unstructured: inherits priority, but not the caller's cancellation.
    let job = Task { try await work() }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            relay.install(continuation)
            Task {
                let result = await job.result
                relay.deliver(result)
            }
        }
    } onCancel: {
        relay.deliver(.failure(CancellationError()))
    }
}

/// Hands one answer to one continuation, whichever comes first: the
/// answer or the continuation. Later answers are dropped.
///
/// `@unchecked Sendable`: the state is behind `lock`.
private final class AnswerRelay<T: Sendable>: @unchecked Sendable {
    private enum State {
        case empty
        case waiting(CheckedContinuation<T, any Error>)
        case answered(Result<T, any Error>)
        case done
    }

    private let lock = NSLock()
    private var state = State.empty

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = lock.locked {
            switch state {
            case .empty:
                state = .waiting(continuation)
                return nil
            case .answered(let result):
                state = .done
                return result
            case .waiting, .done:
                return nil
            }
        }
        if let early { continuation.resume(with: early) }
    }

    func deliver(_ result: Result<T, any Error>) {
        let waiting: CheckedContinuation<T, any Error>? = lock.locked {
            switch state {
            case .empty:
                state = .answered(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .answered, .done:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}
