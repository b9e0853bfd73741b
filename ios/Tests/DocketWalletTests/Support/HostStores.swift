import DocketWallet
import Foundation

/// The host's stand-in for the Secure Enclave: a Swift ``KeyStore`` (so
/// every call goes Rust -> Swift -> back, as on a phone) whose P-256 key is
/// the library's own software key (`softwareKeyStore()`, exported only by
/// a library built with the test-only `software-stores` feature). The Linux Swift toolchain has neither CryptoKit nor
/// swift-crypto, and a hand-written P-256 signer is no test of anything.
///
/// It can be told to fail (throw a Swift error that is not a
/// `PlatformError`, as a broken adapter would) or to hold its next
/// signature until the test lets it go.
///
/// `@unchecked Sendable`: the mutable switches are behind `lock`.
final class HostKeyStore: KeyStore, @unchecked Sendable {
    /// What a broken platform adapter throws.
    struct Broken: Error, CustomStringConvertible {
        let description = "the host key store was told to fail"
    }

    private let key: KeyStore
    private let lock = NSLock()
    private var failing: (create: Bool, sign: Bool, locked: Bool) = (false, false, false)
    private var gate: SignGate?

    /// A new key (made at once, like a Secure Enclave key on first use).
    init() throws {
        key = try softwareKeyStore()
    }

    /// Makes `createKey()` throw ``Broken``.
    func failCreate(_ fail: Bool) {
        lock.locked { failing.create = fail }
    }

    /// Makes `sign(message:)` throw ``Broken``.
    func failSigning(_ fail: Bool) {
        lock.locked { failing.sign = fail }
    }

    /// Makes `sign(message:)` throw `PlatformError.Locked`, as the Secure
    /// Enclave does before the first unlock after a restart.
    func lockUntilUnlocked(_ locked: Bool) {
        lock.locked { failing.locked = locked }
    }

    /// Holds the next signature until ``SignGate/open()``; the gate tells
    /// when a signature was asked for.
    func holdNextSignature() -> SignGate {
        let gate = SignGate()
        lock.locked { self.gate = gate }
        return gate
    }

    func createKey() throws -> Data {
        if lock.locked({ failing.create }) { throw Broken() }
        return try key.createKey()
    }

    func publicKey() throws -> Data {
        try key.publicKey()
    }

    func sign(message: Data) throws -> Data {
        let (fail, locked, gate) = lock.locked { () -> (Bool, Bool, SignGate?) in
            defer { self.gate = nil }
            return (failing.sign, failing.locked, self.gate)
        }
        if fail { throw Broken() }
        if locked { throw PlatformError.Locked }
        gate?.holdCaller()
        return try key.sign(message: message)
    }
}

/// A one-shot gate in a signing call: records that the call arrived, then
/// blocks that (library) thread until the test opens it, for at most 10 s.
final class SignGate: @unchecked Sendable {
    private let lock = NSLock()
    private let released = DispatchSemaphore(value: 0)
    private var reached = false

    /// Whether a signature has been asked for.
    var signatureRequested: Bool {
        lock.locked { reached }
    }

    /// Lets the held signature go.
    func open() {
        released.signal()
    }

    fileprivate func holdCaller() {
        lock.locked { reached = true }
        _ = released.wait(timeout: .now() + 10)
    }
}

/// An in-memory ``SecretStore`` (the database key is gone with the
/// process). `@unchecked Sendable`: the dictionary is behind `lock`.
final class MemorySecretStore: SecretStore, @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String: Data] = [:]

    func load(name: String) throws -> Data? {
        lock.locked { secrets[name] }
    }

    func save(name: String, secret: Data) throws {
        lock.locked { secrets[name] = secret }
    }

    /// Everything saved so far.
    var all: [String: Data] {
        lock.locked { secrets }
    }
}
