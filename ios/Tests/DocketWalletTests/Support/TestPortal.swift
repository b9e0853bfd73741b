import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XCTest

/// The reference portal (`docket-portal`, host-built by scripts/test-swift)
/// on loopback, with its own temporary database and test issuer, driven
/// through its command line with Foundation's `Process`.
///
/// `@unchecked Sendable`: the running process is behind `lock`; the rest
/// is immutable.
final class TestPortal: @unchecked Sendable {
    /// A holder added with `admin add-holder`.
    struct Holder: Decodable, Sendable {
        /// Card number, `XXXX-XXXX`.
        let serial: String
        /// The printed card's QR text.
        let cardQR: String
        /// The one-time activation code.
        let activationCode: String

        enum CodingKeys: String, CodingKey {
            case serial
            case cardQR = "card_qr"
            case activationCode = "activation_code"
        }
    }

    /// An accepted check-in or address change (`admin received --json`).
    struct Received: Decodable, Sendable {
        let idempotencyKey: String
        let kind: String

        enum CodingKeys: String, CodingKey {
            case idempotencyKey = "idempotency_key"
            case kind
        }
    }

    /// The holder every test enrolls, as `CARD.json`.
    static let cardJSON = """
        {"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03","sex":"F",\
        "nationality":"VNM","expires":"2030-06-30"}
        """
    /// The photo's bytes (any bytes do: the card carries their digest).
    static let photo = Data("a stand-in photo".utf8)

    /// The repository, from this file's path (or `DOCKET_REPO`).
    static let repository: URL = {
        if let repo = ProcessInfo.processInfo.environment["DOCKET_REPO"] {
            return URL(fileURLWithPath: repo)
        }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }  // Support, DocketWalletTests, Tests, ios
        return url
    }()

    /// Where the host-built `docket` and `docket-portal` are.
    static let binaries: URL = {
        if let dir = ProcessInfo.processInfo.environment["DOCKET_BIN_DIR"] {
            return URL(fileURLWithPath: dir)
        }
        return repository.appendingPathComponent("target/debug")
    }()

    /// This portal's folder (database, issuer, logs); removed by ``stop(removingFiles:)``.
    let directory: URL
    /// The portal database.
    let database: URL
    /// The test issuer's folder.
    let issuer: URL

    private let lock = NSLock()
    private var process: Process?
    private var currentURL: URL?
    private var starts = 0

    /// Makes a test issuer and starts the portal on a free loopback port.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("docket-swift-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = directory.appendingPathComponent("portal.sqlite")
        issuer = directory.appendingPathComponent("issuer")
        try Self.run(Self.binaries.appendingPathComponent("docket"), ["issuer", "init", "--dir", issuer.path])
        try start(port: 0)
    }

    deinit {
        stop(removingFiles: true)
    }

    /// The portal's base URL (the port stays the same across restarts).
    var url: URL {
        lock.locked { currentURL! }
    }

    /// The issuer root public key (Ed25519, hex), as an app builds it in.
    var rootKey: String {
        get throws {
            try String(contentsOf: issuer.appendingPathComponent("root.pub"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The signed trust list and status list, as a verifier downloads them.
    func lists() throws -> (trust: Data, status: Data) {
        (
            try Data(contentsOf: issuer.appendingPathComponent("trust-list.sctl")),
            try Data(contentsOf: issuer.appendingPathComponent("status-list.scsl"))
        )
    }

    /// Issues a printed card for a new holder (with `hearingsJSON`, the
    /// API's array form, if given).
    func addHolder(hearingsJSON: String? = nil) throws -> Holder {
        let card = directory.appendingPathComponent("card-\(UUID().uuidString).json")
        try Data(Self.cardJSON.utf8).write(to: card)
        let photo = directory.appendingPathComponent("photo.bin")
        try Self.photo.write(to: photo)
        var arguments = [
            "admin", "add-holder", "--db", database.path, "--issuer", issuer.path,
            "--card", card.path, "--photo", photo.path, "--json",
        ]
        if let hearingsJSON {
            let file = directory.appendingPathComponent("hearings-\(UUID().uuidString).json")
            try Data(hearingsJSON.utf8).write(to: file)
            arguments += ["--hearings", file.path]
        }
        let output = try Self.run(Self.binaries.appendingPathComponent("docket-portal"), arguments)
        return try JSONDecoder().decode(Holder.self, from: output)
    }

    /// Moves a holder's hearing to a new court-local start.
    func moveHearing(serial: String, id: String, startsLocal: String) throws {
        try Self.run(
            Self.binaries.appendingPathComponent("docket-portal"),
            [
                "admin", "hearing", "move", "--db", database.path, "--serial", serial, "--id", id,
                "--starts", startsLocal,
            ])
    }

    /// What the portal accepted, per `admin received`.
    func received() throws -> [Received] {
        let output = try Self.run(
            Self.binaries.appendingPathComponent("docket-portal"),
            ["admin", "received", "--db", database.path, "--json"])
        return try JSONDecoder().decode([Received].self, from: output)
    }

    /// How many times the portal accepted the item with `key`.
    func timesReceived(_ key: String) throws -> Int {
        try received().filter { $0.idempotencyKey == key }.count
    }

    /// Stops the portal (SIGTERM, then waits for it to exit): wallets see
    /// connections refused.
    func stop(removingFiles: Bool = false) {
        let running = lock.locked { () -> Process? in
            let running = process
            process = nil
            return running
        }
        if let running, running.isRunning {
            // SIGKILL, not `terminate()`: a process spawned from a Swift
            // concurrency thread inherits that thread's blocked-signal mask
            // (libdispatch blocks SIGTERM), so SIGTERM would stay pending.
            // An abrupt end is also the harsher outage for the wallet.
            kill(running.processIdentifier, SIGKILL)
            Self.waitForExit(running)
        }
        if removingFiles {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Starts the portal again on the same port with the same database.
    func restart() throws {
        let port = lock.locked { currentURL?.port } ?? 0
        try start(port: port)
    }

    private func start(port: Int) throws {
        let log = lock.locked { () -> URL in
            starts += 1
            return directory.appendingPathComponent("portal-\(starts).log")
        }
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw TestFailure("cannot create \(log.path)")
        }
        let process = Process()
        process.executableURL = Self.binaries.appendingPathComponent("docket-portal")
        process.arguments = [
            "serve", "--db", database.path, "--issuer", issuer.path, "--listen", "127.0.0.1:\(port)",
        ]
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The first line on stderr names the address.
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on ") {
                let rest = text[range.upperBound...]
                if let end = rest.firstIndex(where: \.isWhitespace), let url = URL(string: String(rest[..<end])) {
                    lock.locked {
                        self.process = process
                        currentURL = url
                    }
                    return
                }
            }
            if !process.isRunning {
                throw TestFailure("docket-portal exited (\(process.terminationStatus)): \(text)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        kill(process.processIdentifier, SIGKILL)
        throw TestFailure("docket-portal did not say where it listens within 15 s")
    }

    /// Waits (at most 10 s) for `process` to end. Polls: on Linux,
    /// `waitUntilExit()` spins a run loop at full CPU when called from a
    /// Swift concurrency thread.
    static func waitForExit(_ process: Process) {
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Runs a command line to its end and returns its standard output;
    /// throws if it fails.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        waitForExit(process)
        guard process.terminationStatus == 0 else {
            throw TestFailure(
                "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) failed "
                    + "(\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
        }
        return stdout
    }
}

/// A test's own failure, with what went wrong.
struct TestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension NSLock {
    /// Runs `body` holding the lock.
    func locked<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// Polls `probe` until it returns a value, for at most `timeout` seconds.
func eventually<T>(
    _ what: String,
    timeout: TimeInterval = 10,
    _ probe: () async throws -> T?
) async throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if let value = try await probe() { return value }
        guard Date() < deadline else { throw TestFailure("timed out after \(timeout) s waiting for \(what)") }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
}
