package org.docketwallet.wallet

import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.docketwallet.ffi.DocketException
import org.docketwallet.ffi.ListsUpdate
import org.docketwallet.ffi.Officer
import org.docketwallet.ffi.OfficerConfig
import org.docketwallet.ffi.OfficerFreshness
import org.docketwallet.ffi.VerdictView
import org.docketwallet.ffi.openOfficer

/**
 * The officer's phone: checks a holder's QR code offline against the issuer roots built
 * into the app and the signed trust and status lists it downloaded, and remembers across
 * restarts the newest lists it accepted (an older list is refused) and the live codes it
 * has seen (a replayed screenshot is refused). A live code it cannot record (storage
 * full) is not valid: `replay_not_recorded`.
 *
 * [updateLists] and [installLists] run on the library's own threads; checks are CPU work
 * (a frame scan decodes an image) that may write a small state file, so they run on the
 * dispatcher given to [open] ([Dispatchers.Default] unless told otherwise), never on the
 * caller's thread. Safe to share; one call at a time touches its state. [close] it when
 * done.
 */
public class DocketVerifier private constructor(
    private val officer: Officer,
    private val dispatcher: CoroutineDispatcher,
) : AutoCloseable {
    private val closed = AtomicBoolean(false)

    /** Opening verifiers. */
    public companion object {
        /**
         * Opens (or creates) the officer's state in [stateDir], a directory in the app's
         * private storage (e.g. `File(context.noBackupFilesDir, "officer").path`), trusting
         * [rootKeys] (Ed25519, hex; built into the app, never empty). Lists are downloaded
         * from [portalUrl] by [updateLists]; without one they only come through
         * [installLists]. [requestTimeout] bounds each download (`null`: the library's 20 s).
         * Loads the native library off the main thread (see [DocketLibrary]).
         *
         * @throws DocketException.Storage if the state is damaged (`officer_state_damaged`,
         *   kept as it is, never reset) or cannot be read.
         * @throws DocketException.InvalidInput for a bad root key or portal URL.
         */
        public suspend fun open(
            stateDir: String,
            rootKeys: List<String>,
            portalUrl: String? = null,
            requestTimeout: Duration? = null,
            dispatcher: CoroutineDispatcher = Dispatchers.Default,
        ): DocketVerifier {
            DocketLibrary.load()
            val config = OfficerConfig(
                stateDir = stateDir,
                rootKeys = rootKeys,
                portalUrl = portalUrl,
                // 0 asks the library for its own default.
                requestTimeoutMs = requestTimeout?.inWholeMilliseconds?.coerceAtLeast(1)?.toULong() ?: 0UL,
            )
            return DocketVerifier(openOfficer(config), dispatcher)
        }
    }

    /**
     * Downloads the trust and status lists from the portal (an unchanged list costs a 304)
     * and installs them. A list that is refused or cannot be downloaded leaves the
     * installed one; [ListsUpdate] says what happened to each and how fresh they are now.
     * Cancelling the coroutine stops only the wait.
     *
     * @throws DocketException.InvalidInput (`no_portal`) if opened without a portal URL.
     * @throws DocketException.Storage if the lists or the state cannot be saved.
     */
    public suspend fun updateLists(): ListsUpdate = officer.updateLists()

    /** Installs signed lists that arrived another way, as [updateLists] installs downloads. */
    public suspend fun installLists(trustList: ByteArray, statusList: ByteArray): ListsUpdate =
        officer.installLists(trustList, statusList)

    /** Whether the lists are fresh enough to check cards offline now, and why not. */
    public suspend fun freshness(): OfficerFreshness = withContext(dispatcher) { officer.freshness() }

    /** Checks the text of a scanned code (`SC1:...`) now. */
    public suspend fun verifyText(text: String): VerdictView =
        withContext(dispatcher) { officer.verifyText(text) }

    /**
     * Looks for a Docket code in one camera frame of 8-bit luma ([width] x [height] pixels,
     * [rowStride] bytes per row; from CameraX, `ImageProxy.planes[0]`: its buffer copied
     * into [luma], its `rowStride` as is) and checks the first one found; `null` when the
     * frame holds none. The work per frame is bounded whatever the frame holds.
     *
     * @throws DocketException.InvalidInput (`bad_frame`) if the geometry does not match
     *   [luma].
     */
    public suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int = width): VerdictView? =
        withContext(dispatcher) {
            // A negative size becomes a huge one, which the library refuses as `bad_frame`.
            officer.scanFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt())
        }

    /** Frees the native officer; later calls fail with [IllegalStateException]. */
    override fun close() {
        if (closed.compareAndSet(false, true)) officer.close()
    }
}
