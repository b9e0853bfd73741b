package org.docketwallet.wallet

import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.docketwallet.ffi.DocketException
import org.docketwallet.ffi.VerdictView
import org.docketwallet.ffi.Verifier

/**
 * An officer's verifier: checks a holder's QR code offline against the issuer roots built
 * into the app and the signed trust and status lists last downloaded, and remembers the
 * live codes it has seen (a replayed screenshot is refused).
 *
 * Checks are CPU work (a frame scan decodes an image), so each call runs on the
 * dispatcher given to [create] ([Dispatchers.Default] unless told otherwise), never on
 * the caller's thread. Safe to share; checks run one at a time. [close] it when done.
 */
public class DocketVerifier private constructor(
    private val verifier: Verifier,
    private val dispatcher: CoroutineDispatcher,
) : AutoCloseable {
    private val closed = AtomicBoolean(false)

    /** Making verifiers. */
    public companion object {
        /**
         * A verifier trusting [rootKeys] (Ed25519, hex) with the signed [trustList] and
         * [statusList] as downloaded (`/v1/trust-list`, `/v1/status-list`); checks run on
         * [dispatcher]. Loads the native library off the main thread (see [DocketLibrary]).
         *
         * @throws DocketException.InvalidInput if a key or a list is refused (bad
         *   signature, expired, unknown root).
         */
        public suspend fun create(
            rootKeys: List<String>,
            trustList: ByteArray,
            statusList: ByteArray,
            dispatcher: CoroutineDispatcher = Dispatchers.Default,
        ): DocketVerifier {
            DocketLibrary.load()
            return withContext(dispatcher) {
                DocketVerifier(Verifier(rootKeys, trustList, statusList), dispatcher)
            }
        }
    }

    /** Checks the text of a scanned code (`SC1:...`) now. */
    public suspend fun verifyText(text: String): VerdictView =
        withContext(dispatcher) { verifier.verifyText(text) }

    /**
     * Looks for a Docket code in one camera frame of 8-bit luma ([width] x [height] pixels,
     * [rowStride] bytes per row; from CameraX, `ImageProxy.planes[0]`: its buffer copied
     * into [luma], its `rowStride` as is) and checks the first one found; `null` when the
     * frame holds none. The work per frame is bounded
     * whatever the frame holds.
     *
     * @throws DocketException.InvalidInput (`bad_frame`) if the geometry does not match
     *   [luma].
     */
    public suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int = width): VerdictView? =
        withContext(dispatcher) {
            // A negative size becomes a huge one, which the library refuses as `bad_frame`.
            verifier.scanFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt())
        }

    /**
     * Installs newer trust and status lists; an older list (lower sequence) is refused and
     * the installed ones stay.
     *
     * @throws DocketException.InvalidInput if either list is refused.
     */
    public suspend fun updateLists(trustList: ByteArray, statusList: ByteArray): Unit =
        withContext(dispatcher) { verifier.updateLists(trustList, statusList) }

    /** Frees the native verifier; later calls fail with [IllegalStateException]. */
    override fun close() {
        if (closed.compareAndSet(false, true)) verifier.close()
    }
}
