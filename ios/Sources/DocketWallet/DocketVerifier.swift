import DocketFFI
import Foundation

/// The officer's verifier: checks a holder's QR code offline against the
/// issuer roots built into the app and the signed trust and status lists
/// last downloaded, and remembers the live codes already seen on this
/// phone (a second showing of the same live code is refused as a replay).
///
/// Safe to share between tasks and threads; checks run one at a time.
/// The calls are synchronous and CPU-bound (a frame scan takes
/// milliseconds): call them off the main actor, e.g. from the camera's
/// sample-buffer queue.
public final class DocketVerifier: Sendable {
    private let verifier: Verifier

    /// A verifier trusting `rootKeys` with the trust and status lists as
    /// downloaded (their signatures, dates and sequence numbers are
    /// checked here).
    ///
    /// - Parameters:
    ///   - rootKeys: the issuer root keys built into the app (Ed25519, hex).
    ///   - trustList: the signed trust list (`.sctl`) bytes.
    ///   - statusList: the signed status list (`.scsl`) bytes.
    /// - Throws: ``DocketError/InvalidInput(code:message:)`` for a bad root
    ///   key or a list that is not signed by it, expired or malformed.
    public init(rootKeys: [String], trustList: Data, statusList: Data) throws {
        verifier = try Verifier(rootKeys: rootKeys, trustList: trustList, statusList: statusList)
    }

    /// Installs newer lists. A list with a lower sequence number than the
    /// installed one is refused, and the installed lists stay.
    ///
    /// - Throws: ``DocketError/InvalidInput(code:message:)``.
    public func updateLists(trustList: Data, statusList: Data) throws {
        try verifier.updateLists(trustList: trustList, statusList: statusList)
    }

    /// Checks a QR code's text (as a scanner library read it) now.
    ///
    /// - Returns: the verdict: valid or the reasons why not, and the holder
    ///   fields once the issuer's signature verified.
    public func verify(text: String) throws -> VerdictView {
        try verifier.verifyText(text: text)
    }

    /// Scans one camera frame for a Docket QR code and checks the first one
    /// found. Work per frame is bounded whatever the frame holds.
    ///
    /// - Parameter frame: 8-bit luma (the Y plane of a camera frame).
    /// - Returns: the verdict, or `nil` if the frame holds no Docket code.
    /// - Throws: ``DocketError/InvalidInput(code:message:)`` (`bad_frame`)
    ///   when the geometry does not match the bytes.
    public func scanFrame(_ frame: LumaFrame) throws -> VerdictView? {
        guard let width = UInt32(exactly: frame.width),
            let height = UInt32(exactly: frame.height),
            let stride = UInt32(exactly: frame.rowStride)
        else {
            throw DocketError.InvalidInput(
                code: "bad_frame",
                message: "The frame's size (\(frame.width)x\(frame.height), stride \(frame.rowStride)) is not usable.")
        }
        return try verifier.scanFrame(
            luma: frame.luma, width: width, height: height, rowStride: stride)
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
