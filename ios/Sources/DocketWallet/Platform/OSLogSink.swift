// iOS only: compiled by Xcode for the app, never on Linux.
#if canImport(Security) && os(iOS)
import DocketFFI
import os

/// The library's log lines in the unified log (Console.app, `log stream`),
/// under one subsystem and category.
///
/// The library never logs personal data (ids, kinds, codes and times
/// only), so lines are logged as public.
///
/// `@unchecked Sendable`: its only state is an immutable `Logger`, which
/// is safe to use from any thread.
public final class OSLogSink: LogSink, @unchecked Sendable {
    private let logger: Logger

    /// A sink logging under `subsystem` and `category`.
    public init(subsystem: String = "org.docketwallet", category: String = "core") {
        logger = Logger(subsystem: subsystem, category: category)
    }

    /// Writes one line at the matching log type.
    public func log(level: LogLevel, message: String) {
        switch level {
        case .debug:
            logger.debug("\(message, privacy: .public)")
        case .info:
            logger.info("\(message, privacy: .public)")
        case .warn:
            logger.warning("\(message, privacy: .public)")
        case .error:
            logger.error("\(message, privacy: .public)")
        }
    }
}
#endif
