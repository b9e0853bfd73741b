import DocketFFI
import Foundation

/// The officer's phone: checks a holder's QR code offline against the
/// issuer roots built into the app and the signed trust and status lists
/// it downloaded, and remembers across restarts the newest lists it
/// accepted (an older list is refused) and the live codes it has seen (a
/// second showing of the same live code is refused as a replay). A live
/// code it cannot record (storage full) is not valid:
/// `replay_not_recorded`.
///
/// Safe to share between tasks and threads; one call at a time touches
/// its state. ``updateLists()`` and ``installLists(trustList:statusList:)``
/// run on the library's threads (a cancelled task stops waiting; the
/// installation finishes). The checks are synchronous and CPU-bound (a
/// frame scan takes milliseconds) and may write a small state file: call
/// them off the main actor, e.g. from the camera's sample-buffer queue.
public final class DocketVerifier: Sendable {
    private let officer: Officer

    private init(officer: Officer) {
        self.officer = officer
    }

    /// Opens (or creates) the officer's state in `stateDirectory` and
    /// installs the lists kept there. A damaged state is an error that
    /// leaves it as it is: it is never reset.
    ///
    /// - Parameters:
    ///   - stateDirectory: a folder in the app's private storage (created
    ///     if missing); ``defaultStateDirectory`` when not given.
    ///   - rootKeys: the issuer root keys built into the app (Ed25519, hex).
    ///   - portal: where ``updateLists()`` downloads from; without one,
    ///     lists only come through ``installLists(trustList:statusList:)``.
    ///   - requestTimeout: seconds per download, or `nil` for 20 s.
    /// - Throws: ``DocketError/Storage(code:message:)`` (e.g.
    ///   `officer_state_damaged`), ``DocketError/InvalidInput(code:message:)``
    ///   for a bad root key or portal URL, or `CancellationError`.
    public static func open(
        stateDirectory: URL = DocketVerifier.defaultStateDirectory,
        rootKeys: [String],
        portal: URL? = nil,
        requestTimeout: TimeInterval? = nil
    ) async throws -> DocketVerifier {
        let config = OfficerConfig(
            stateDir: stateDirectory.path,
            rootKeys: rootKeys,
            portalUrl: portal?.absoluteString,
            requestTimeoutMs: DocketWalletConfiguration.milliseconds(requestTimeout))
        let officer = try await finishEvenIfCancelled { try await openOfficer(config: config) }
        return DocketVerifier(officer: officer)
    }

    /// `Application Support/DocketWallet/officer` in the app's container
    /// (on Linux, the user's data folder): private to the app.
    public static var defaultStateDirectory: URL {
        DocketWalletConfiguration.defaultDatabaseURL.deletingLastPathComponent()
            .appendingPathComponent("officer", isDirectory: true)
    }

    /// Downloads the trust and status lists from the portal (an unchanged
    /// list costs a 304) and installs them. A list that is refused or
    /// cannot be downloaded leaves the installed one.
    ///
    /// - Returns: what happened to each list, and the freshness after.
    /// - Throws: ``DocketError/InvalidInput(code:message:)`` (`no_portal`)
    ///   when opened without a portal, ``DocketError/Storage(code:message:)``
    ///   when the lists cannot be saved, or `CancellationError`.
    public func updateLists() async throws -> ListsUpdate {
        let officer = self.officer
        return try await finishEvenIfCancelled { try await officer.updateLists() }
    }

    /// Installs signed lists that arrived another way (the `.sctl` and
    /// `.scsl` bytes), as ``updateLists()`` installs downloaded ones.
    public func installLists(trustList: Data, statusList: Data) async throws -> ListsUpdate {
        let officer = self.officer
        return try await finishEvenIfCancelled {
            try await officer.installLists(trustList: trustList, statusList: statusList)
        }
    }

    /// Whether the lists are fresh enough to check cards offline now, and
    /// the reasons (sentences to show) when they are not.
    public func freshness() throws -> OfficerFreshness {
        try officer.freshness()
    }

    /// Checks a QR code's text (as a scanner library read it) now.
    ///
    /// - Returns: the verdict: valid or the reasons why not, and the holder
    ///   fields once the issuer's signature verified.
    public func verify(text: String) throws -> VerdictView {
        try officer.verifyText(text: text)
    }

    /// Scans one camera frame for a Docket QR code and checks the first one
    /// found. Work per frame is bounded whatever the frame holds.
    ///
    /// - Parameter frame: 8-bit luma (the Y plane of a camera frame).
    /// - Returns: the verdict, or `nil` if the frame holds no Docket code.
    /// - Throws: ``DocketError/InvalidInput(code:message:)`` (`bad_frame`)
    ///   when the geometry does not match the bytes.
    public func scanFrame(_ frame: LumaFrame) throws -> VerdictView? {
        // A size that does not fit is made one the library refuses as
        // `bad_frame`, so the reason is the library's.
        let width = UInt32(exactly: frame.width) ?? UInt32.max
        let height = UInt32(exactly: frame.height) ?? UInt32.max
        let stride = UInt32(exactly: frame.rowStride) ?? UInt32.max
        return try officer.scanFrame(luma: frame.luma, width: width, height: height, rowStride: stride)
    }

    /// Scans a camera frame's luma plane (e.g. plane 0 of a
    /// `kCVPixelFormatType_420YpCbCr8BiPlanarFullRange` buffer) for a
    /// Docket QR code and checks the first one found.
    ///
    /// - Parameters:
    ///   - luma: the plane's bytes, `rowStride * height` of them.
    ///   - width: pixels per row.
    ///   - height: rows.
    ///   - rowStride: bytes per row (the plane's bytes-per-row).
    /// - Returns: the verdict, or `nil` if the frame holds no Docket code.
    public func scanFrame(luma: Data, width: Int, height: Int, rowStride: Int) throws -> VerdictView? {
        try scanFrame(LumaFrame(luma: luma, width: width, height: height, rowStride: rowStride))
    }
}

/// An 8-bit grayscale image: one byte per pixel, 0 black, 255 white,
/// `rowStride` bytes from one row's start to the next.
public struct LumaFrame: Sendable, Equatable {
    /// The pixels, row by row from the top-left.
    public var luma: Data
    /// Pixels per row.
    public var width: Int
    /// Rows.
    public var height: Int
    /// Bytes per row (at least `width`; camera buffers often pad rows).
    public var rowStride: Int

    /// A frame over `luma`; `rowStride` is `width` when not given.
    public init(luma: Data, width: Int, height: Int, rowStride: Int? = nil) {
        self.luma = luma
        self.width = width
        self.height = height
        self.rowStride = rowStride ?? width
    }
}

extension QrCode {
    /// The code drawn as a crisp grayscale image: each module a square of
    /// `pixelsPerModule` pixels, black on white, inside a white quiet zone
    /// of `quietZoneModules` modules (QR readers need at least 4).
    ///
    /// Apps draw ``modules`` natively; this is for tests, previews and
    /// image export.
    public func lumaFrame(pixelsPerModule: Int = 4, quietZoneModules: Int = 4) -> LumaFrame {
        let scale = max(1, pixelsPerModule)
        let quiet = max(0, quietZoneModules)
        let modulesPerSide = Int(size)
        let side = (modulesPerSide + 2 * quiet) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        let modules = [UInt8](self.modules)
        for y in 0..<modulesPerSide {
            for x in 0..<modulesPerSide where modules[y * modulesPerSide + x] == 1 {
                let top = (y + quiet) * scale
                let left = (x + quiet) * scale
                for row in top..<(top + scale) {
                    let start = row * side + left
                    pixels.replaceSubrange(start..<(start + scale), with: repeatElement(0, count: scale))
                }
            }
        }
        return LumaFrame(luma: Data(pixels), width: side, height: side)
    }
}
