// docket-load-probe: how long an app start takes to draw the card — a fresh
// process (the dynamic loader maps the Swift runtime, Foundation and the Rust
// library), then open the enrolled wallet and read the card. Run by the test
// suite (LoadToCardTests), not shipped.
//
// Usage: DocketLoadProbe DATABASE KEYS_DIR ROOT_KEY_HEX
//   KEYS_DIR holds `device-key.pub` (the device public key) and one file per
//   secret (`secret-<name>`), written by the test that enrolled the wallet.
// Prints `main=<ns> opened=<ns> card=<ns> serial=<card number>`: monotonic
// clock readings (CLOCK_MONOTONIC), comparable with the parent's.
import DocketWallet
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The monotonic clock in nanoseconds, the same in every process.
func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The device key's public half, from a file. Showing the card needs no
/// signature, so this store cannot sign.
final class PublicKeyOnlyStore: KeyStore {
    let publicKeyBytes: Data

    init(publicKeyBytes: Data) {
        self.publicKeyBytes = publicKeyBytes
    }

    func createKey() throws -> Data { publicKeyBytes }
    func publicKey() throws -> Data { publicKeyBytes }
    func sign(message: Data) throws -> Data {
        throw PlatformError.Failed(message: "the load probe cannot sign")
    }
}

/// Secrets from files in a folder, read-only.
final class FolderSecretStore: SecretStore {
    let folder: URL

    init(folder: URL) {
        self.folder = folder
    }

    func load(name: String) throws -> Data? {
        try? Data(contentsOf: folder.appendingPathComponent("secret-\(name)"))
    }

    func save(name: String, secret: Data) throws {
        throw PlatformError.Failed(message: "the load probe does not write secrets")
    }
}

let started = monotonicNanos()
let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: DocketLoadProbe DATABASE KEYS_DIR ROOT_KEY_HEX\n".utf8))
    exit(2)
}
let keys = URL(fileURLWithPath: arguments[2])
do {
    let publicKey = try Data(contentsOf: keys.appendingPathComponent("device-key.pub"))
    let configuration = DocketWalletConfiguration(
        databaseURL: URL(fileURLWithPath: arguments[1]), rootKeys: [arguments[3]])
    let wallet = try await DocketWallet.open(
        configuration,
        keyStore: PublicKeyOnlyStore(publicKeyBytes: publicKey),
        secretStore: FolderSecretStore(folder: keys))
    let opened = monotonicNanos()
    guard let card = try await wallet.card(), card.verdict.valid else {
        FileHandle.standardError.write(Data("no valid card\n".utf8))
        exit(1)
    }
    let shown = monotonicNanos()
    print("main=\(started) opened=\(opened) card=\(shown) serial=\(card.verdict.holder?.cardNumber ?? "-")")
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
