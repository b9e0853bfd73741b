@_exported import DocketFFI
import Foundation

/// The holder's wallet: the Swift face of the Rust library's `Wallet`.
///
/// Every rule lives in the Rust core; this type only forwards calls, turns
/// the library's observer callbacks into `AsyncStream`s, and makes Swift
/// task cancellation behave: a cancelled task stops *waiting* at once
/// (it gets `CancellationError`), while the work it started — a check-in
/// being written, a sync pass committing a sent item — runs to its end in
/// the library. Nothing is ever half-done by a cancellation. (A task that
/// is already cancelled when it calls starts nothing.)
///
/// All methods are safe to call from any task or thread, also many at once.
/// Errors are ``DocketError`` (use ``DocketError/code`` to branch and
/// ``DocketError/message`` to show), or `CancellationError` when the
/// calling task was cancelled.
///
/// ```swift
/// let wallet = try await DocketWallet.open(
///     DocketWalletConfiguration(rootKeys: [builtInRoot]),
///     keyStore: SecureEnclaveKeyStore(),
///     secretStore: KeychainSecretStore())
/// for await pending in wallet.outbox { render(pending) }
/// ```
public final class DocketWallet: Sendable {
    /// How this wallet was opened.
    public let configuration: DocketWalletConfiguration
    private let wallet: Wallet
    private let events: WalletEvents

    private init(configuration: DocketWalletConfiguration, wallet: Wallet, events: WalletEvents) {
        self.configuration = configuration
        self.wallet = wallet
        self.events = events
    }

    deinit {
        wallet.setObserver(observer: nil)
        events.finish()
    }

    /// Opens (or creates) the wallet described by `configuration`.
    ///
    /// Creates the device key in `keyStore` if it does not exist yet,
    /// creates the database's folder if needed, opens the database with
    /// the key kept in `secretStore`, and puts interrupted sends back in
    /// the queue. A damaged database is an error that leaves the file as
    /// it is (queued check-ins are legal records): it is never reset.
    ///
    /// - Parameters:
    ///   - configuration: where the database lives and which issuer roots
    ///     the app trusts.
    ///   - keyStore: the device key (the Secure Enclave on a phone).
    ///   - secretStore: where the database key is kept (the Keychain on a
    ///     phone).
    /// - Returns: the open wallet, already observing its outbox.
    /// - Throws: ``DocketError`` (`.InvalidInput` for an unusable root key,
    ///   `.KeyStore`, `.Storage`), or `CancellationError`.
    public static func open(
        _ configuration: DocketWalletConfiguration,
        keyStore: KeyStore,
        secretStore: SecretStore
    ) async throws -> DocketWallet {
        let folder = configuration.databaseURL.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw DocketError.Storage(
                code: "folder_unusable",
                message: "The wallet's folder cannot be created: \(error.localizedDescription)")
        }
        let ffiConfig = configuration.ffiConfig
        let wallet = try await finishEvenIfCancelled {
            try await openWallet(config: ffiConfig, keyStore: keyStore, secretStore: secretStore)
        }
        let events = WalletEvents()
        wallet.setObserver(observer: events)
        // The first value of `outbox`: what is pending right now.
        if let pending = try? await wallet.pending() {
            events.outbox.seed(pending)
        }
        return DocketWallet(configuration: configuration, wallet: wallet, events: events)
    }

    // MARK: Streams

    /// The items not yet confirmed by the portal, oldest first: the current
    /// list at once, then a new list after every change to the outbox (a
    /// check-in or address change queued, an item sent, parked, resent or
    /// discarded).
    ///
    /// Each access makes a new, independent stream; it ends when the
    /// wallet is released. Only the newest list is buffered for a slow
    /// reader: lists are states, not events.
    public var outbox: AsyncStream<[OutboxItemView]> {
        events.outbox.stream()
    }

    /// What each hearing refresh changed (hearings added, moved, cancelled,
    /// removed or updated), as it happens during ``sync(deadline:waitForRetries:)``.
    ///
    /// Each access makes a new, independent stream that sees the changes
    /// from then on (every change is kept until read); it ends when the
    /// wallet is released.
    public var hearingChanges: AsyncStream<HearingChangesView> {
        events.hearings.stream()
    }

    // MARK: Enrollment and the card

    /// Enrolls with the printed card's QR text and the one-time activation
    /// code: the portal returns the issuer-signed card bound to this
    /// phone's device key, its photo and the hearings.
    ///
    /// - Parameters:
    ///   - portal: the issuer's portal, e.g. `https://portal.example/`.
    ///   - cardQR: the text of the QR printed on the physical card.
    ///   - activationCode: the code the holder was given, as typed.
    /// - Returns: the checked card and how many hearings came with it.
    /// - Throws: ``DocketError/Enrollment(code:message:)`` (e.g. code
    ///   `activation_code_wrong`; nothing was saved and enrolling again is
    ///   safe), or `CancellationError`.
    public func enroll(
        portal: URL,
        cardQR: String,
        activationCode: String
    ) async throws -> EnrollmentSummary {
        let wallet = self.wallet
        return try await finishEvenIfCancelled {
            try await wallet.enroll(
                portalUrl: portal.absoluteString, cardQr: cardQR, activationCode: activationCode)
        }
    }

    /// The card, re-verified now against the stored trust data (its
    /// verdict, holder fields and photo); `nil` before enrollment.
    public func card() async throws -> CardView? {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.card() }
    }

    /// A fresh live QR code: the card plus the device key's signature over
    /// the current time. Show a new one every few seconds; draw it from
    /// ``QrCode/modules`` (see ``QrCode/lumaFrame(pixelsPerModule:quietZoneModules:)``).
    ///
    /// - Throws: ``DocketError/KeyStore(message:)`` when the key store cannot
    ///   sign (locked, key removed), ``DocketError/NotEnrolled(message:)``.
    public func liveQR() async throws -> QrCode {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.liveQr() }
    }

    /// The cached hearings, upcoming first, and how fresh the list is
    /// (`fresh`, `aging`, `stale` or `never_fetched`). Works offline.
    public func hearings() async throws -> HearingsView {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.hearings() }
    }

    // MARK: The outbox

    /// Queues a check-in; it is on disk when this returns, and delivered
    /// exactly once by a later ``sync(deadline:waitForRetries:)``.
    ///
    /// - Parameter note: an optional note for the court.
    /// - Returns: the queued item.
    /// - Throws: ``DocketError/InvalidInput(code:message:)`` (e.g.
    ///   `note_too_long`), ``DocketError/Storage(code:message:)``.
    public func checkIn(note: String? = nil) async throws -> OutboxItemView {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.checkIn(note: note) }
    }

    /// Queues a change of address (the court requires it within 5 days of
    /// moving); on disk when this returns, delivered in order after any
    /// earlier address change.
    ///
    /// - Parameters:
    ///   - address: the new US address as typed.
    ///   - movedOn: the day of the move, `YYYY-MM-DD`.
    ///   - today: the phone's date, `YYYY-MM-DD`, which bounds `movedOn`;
    ///     today's date in the current calendar and time zone when `nil`.
    /// - Returns: the queued item.
    /// - Throws: ``DocketError/InvalidInput(code:message:)`` naming the
    ///   field (e.g. `state_unknown`, `bad_date`).
    public func reportMove(
        address: AddressInput,
        movedOn: String,
        today: String? = nil
    ) async throws -> OutboxItemView {
        let wallet = self.wallet
        let today = today ?? DocketWallet.localDate(Date())
        return try await finishEvenIfCancelled {
            try await wallet.reportMove(address: address, movedOn: movedOn, today: today)
        }
    }

    /// The items not yet confirmed, oldest first (the same list
    /// ``outbox`` streams).
    public func pending() async throws -> [OutboxItemView] {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.pending() }
    }

    /// The items the portal confirmed, newest first, with the portal's
    /// reference (the holder's proof).
    public func history() async throws -> [OutboxItemView] {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.history() }
    }

    /// Sends a parked item again at the next sync, under the same
    /// idempotency key (so the portal cannot record it twice).
    ///
    /// - Parameter id: the item's ``OutboxItemView/id``.
    public func resend(id: Int64) async throws -> OutboxItemView {
        let wallet = self.wallet
        return try await finishEvenIfCancelled { try await wallet.resend(id: id) }
    }

    /// Deletes an item the portal never received or refused.
    ///
    /// - Parameter id: the item's ``OutboxItemView/id``.
    public func discard(id: Int64) async throws {
        let wallet = self.wallet
        try await finishEvenIfCancelled { try await wallet.discard(id: id) }
    }

    // MARK: Sync

    /// One sync pass: the outbox first, then the hearings, then the trust
    /// and status lists.
    ///
    /// A pass that finds no network stops with `stop == .offline` and
    /// leaves every item queued; it is not an error. Cancelling the
    /// calling task stops the wait, not the pass: an item the portal
    /// accepted is still committed as sent.
    ///
    /// - Parameters:
    ///   - deadline: stop cleanly this many seconds from now (an iOS
    ///     background task gets about 30 s); no limit when `nil`.
    ///   - waitForRetries: wait out retry backoffs until the deadline
    ///     instead of leaving them for the next pass.
    /// - Returns: what the pass did (`stop` is `done`, `offline` or
    ///   `deadline`).
    /// - Throws: ``DocketError/Sync(code:message:)`` when the pass could
    ///   not run at all; per-item failures are in the summary.
    public func sync(
        deadline: TimeInterval? = nil,
        waitForRetries: Bool = false
    ) async throws -> SyncSummary {
        let wallet = self.wallet
        let deadlineMs = deadline.map { UInt64(max(0, ($0 * 1000).rounded())) }
        return try await finishEvenIfCancelled {
            try await wallet.sync(deadlineMs: deadlineMs, waitForRetries: waitForRetries)
        }
    }

    // MARK: Helpers

    /// `date` as `YYYY-MM-DD` in the current calendar and time zone.
    static func localDate(_ date: Date) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone.current, from: date)
        return String(
            format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}

/// The version of the Rust library inside, for about screens and bug
/// reports.
public var docketLibraryVersion: String {
    libraryVersion()
}
