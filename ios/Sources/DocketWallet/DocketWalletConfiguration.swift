import DocketFFI
import Foundation

/// How a ``DocketWallet`` is opened. Only the issuer root keys have no
/// default: they are built into the app, and a phone never trusts a root
/// it is sent.
public struct DocketWalletConfiguration: Sendable, Equatable {
    /// The wallet's database file (created on first open, with its folder).
    public var databaseURL: URL
    /// The issuer root keys built into the app: Ed25519 public keys as hex.
    /// Must not be empty.
    public var rootKeys: [String]
    /// The longest wait for one portal request, in seconds; the library's
    /// default (20 s) when `nil`.
    public var requestTimeout: TimeInterval?
    /// The first retry delay after a failed send, in seconds, doubling per
    /// attempt; the library's default (10 s) when `nil`. Tests shorten it.
    public var retryBase: TimeInterval?

    /// A configuration with the library's defaults for everything but the
    /// roots.
    ///
    /// - Parameters:
    ///   - databaseURL: the database file; ``defaultDatabaseURL`` when not given.
    ///   - rootKeys: the built-in issuer root keys (Ed25519, hex).
    ///   - requestTimeout: seconds per portal request, or `nil` for 20 s.
    ///   - retryBase: the first retry delay in seconds, or `nil` for 10 s.
    public init(
        databaseURL: URL = DocketWalletConfiguration.defaultDatabaseURL,
        rootKeys: [String],
        requestTimeout: TimeInterval? = nil,
        retryBase: TimeInterval? = nil
    ) {
        self.databaseURL = databaseURL
        self.rootKeys = rootKeys
        self.requestTimeout = requestTimeout
        self.retryBase = retryBase
    }

    /// `Application Support/DocketWallet/wallet.sqlite` in the app's
    /// container (on Linux, the user's data folder): private to the app.
    public static var defaultDatabaseURL: URL {
        let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)
            .first ?? FileManager.default.temporaryDirectory
        return base.appendingPathComponent("DocketWallet", isDirectory: true)
            .appendingPathComponent("wallet.sqlite")
    }

    /// The record the library takes (0 means "the library's default").
    var ffiConfig: WalletConfig {
        WalletConfig(
            databasePath: databaseURL.path,
            rootKeys: rootKeys,
            requestTimeoutMs: Self.milliseconds(requestTimeout),
            retryBaseMs: Self.milliseconds(retryBase))
    }

    /// Seconds as the library's milliseconds; 0 (the library's default)
    /// for `nil`, zero, negative or non-finite values.
    static func milliseconds(_ seconds: TimeInterval?) -> UInt64 {
        guard let seconds, seconds.isFinite, seconds > 0 else { return 0 }
        return UInt64(min(seconds * 1000, Double(UInt32.max)).rounded(.up))
    }
}
