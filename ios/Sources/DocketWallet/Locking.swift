import Foundation

extension NSLock {
    /// Runs `body` holding the lock. (Foundation's own `withLock` needs
    /// iOS 16; this package supports iOS 15.)
    func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }
}
