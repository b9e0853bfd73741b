import DocketFFI
import Foundation

/// Where the library's log lines go. Lines never contain personal data:
/// ids, kinds, codes and times only.
public enum DocketLog {
    /// Sends the library's log lines to `sink` (process-wide), or stops
    /// logging when `nil`. On iOS, pass `OSLogSink()`.
    public static func setSink(_ sink: LogSink?) {
        setLogSink(sink: sink)
    }

    /// Sends the library's log lines to `handler`, called on the library's
    /// own threads (it must not block).
    public static func setHandler(_ handler: @escaping @Sendable (LogLevel, String) -> Void) {
        setLogSink(sink: ClosureLogSink(handler))
    }
}

/// A ``LogSink`` that calls a closure.
public final class ClosureLogSink: LogSink {
    private let handler: @Sendable (LogLevel, String) -> Void

    /// A sink calling `handler` for each line, on the library's threads.
    public init(_ handler: @escaping @Sendable (LogLevel, String) -> Void) {
        self.handler = handler
    }

    /// Passes one line to the closure.
    public func log(level: LogLevel, message: String) {
        handler(level, message)
    }
}
