package org.docketwallet.wallet

import java.time.LocalDate
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import org.docketwallet.ffi.AddressInput
import org.docketwallet.ffi.CardView
import org.docketwallet.ffi.DocketException
import org.docketwallet.ffi.EnrollmentSummary
import org.docketwallet.ffi.HearingChangesView
import org.docketwallet.ffi.HearingsView
import org.docketwallet.ffi.KeyStore
import org.docketwallet.ffi.OutboxItemView
import org.docketwallet.ffi.QrCode
import org.docketwallet.ffi.SecretStore
import org.docketwallet.ffi.SyncSummary
import org.docketwallet.ffi.Wallet
import org.docketwallet.ffi.WalletObserver
import org.docketwallet.ffi.openWallet

/**
 * The holder's wallet: the card, its live QR code, hearings, and the outbox of check-ins
 * and address changes.
 *
 * Every call that touches the database, the key store or the network is a `suspend`
 * function whose work runs on the library's own threads, so it is safe to call from the
 * main thread; cancelling the calling coroutine stops only the wait, never the work (a
 * check-in being sent is still committed exactly once). Failures are [DocketException]s
 * (see [errorCode] and [holderMessage]). Safe to use from many coroutines at once.
 *
 * Open one per database with [open], and [close] it when the app no longer needs it.
 */
public class DocketWallet private constructor(
    private val wallet: Wallet,
    initialPending: List<OutboxItemView>,
) : AutoCloseable {
    private val closed = AtomicBoolean(false)
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private val outboxChanges = Channel<Unit>(Channel.CONFLATED)
    private val outboxState = MutableStateFlow(initialPending)
    private val hearingEvents = MutableSharedFlow<HearingChangesView>(
        extraBufferCapacity = HEARING_EVENTS_BUFFER,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /**
     * The items not yet confirmed by the portal (queued, sending, needing the holder's
     * attention), oldest first; updated after every change, whoever made it.
     */
    public val outbox: StateFlow<List<OutboxItemView>> = outboxState.asStateFlow()

    /**
     * What a hearing refresh (during [sync]) found changed: moved, cancelled, new hearings.
     * Hot: only collectors present at the time see an event; the same changes are also in
     * the [SyncSummary.hearingChanges] that [sync] returns.
     */
    public val hearingChanges: SharedFlow<HearingChangesView> = hearingEvents.asSharedFlow()

    private val observer = object : WalletObserver {
        // Called on the library's threads. Lists from concurrent changes may arrive out of
        // order, so rather than trusting the one given, the pending list is read again, once
        // per burst of changes (the channel is conflated), after the last change.
        override fun outboxChanged(pending: List<OutboxItemView>) {
            outboxChanges.trySend(Unit)
        }

        override fun hearingsChanged(changes: HearingChangesView) {
            hearingEvents.tryEmit(changes)
        }
    }

    init {
        scope.launch {
            for (change in outboxChanges) {
                try {
                    outboxState.value = wallet.pending()
                } catch (_: DocketException) {
                    // The change itself succeeded; the next one will read the list again.
                }
            }
        }
        wallet.setObserver(observer)
    }

    /** Opening wallets. */
    public companion object {
        private const val HEARING_EVENTS_BUFFER = 8

        /**
         * Opens (or creates) the wallet described by [config]: loads the native library off
         * the main thread (see [DocketLibrary]), creates the device key in [keyStore] if
         * needed, opens the database with the key kept in [secretStore], and puts sends
         * that a crash interrupted back in the queue.
         *
         * The stores are called on the library's threads, never the main one; anything
         * they throw (not only [org.docketwallet.ffi.PlatformException]) becomes a typed
         * failure of the call that needed them, never a crash.
         *
         * @throws DocketException a typed failure: `Storage` (an unreadable database is
         *   kept, never reset), `KeyStore`, `InvalidInput` (a bad root key).
         */
        public suspend fun open(
            config: WalletConfig,
            keyStore: KeyStore,
            secretStore: SecretStore,
        ): DocketWallet {
            DocketLibrary.load()
            val wallet = openWallet(config.toFfi(), GuardedKeyStore(keyStore), GuardedSecretStore(secretStore))
            try {
                return DocketWallet(wallet, wallet.pending())
            } catch (e: Throwable) {
                wallet.close()
                throw e
            }
        }
    }

    /**
     * Enrolls with the text of the QR code printed on the holder's card and the one-time
     * [activationCode]: the portal at [portalUrl] returns the card signed for this phone's
     * key, the photo and the hearings. Nothing is saved unless it all succeeds, so trying
     * again is always safe.
     *
     * @throws DocketException.Enrollment with a code such as `activation_code_wrong`.
     */
    public suspend fun enroll(portalUrl: String, cardQr: String, activationCode: String): EnrollmentSummary =
        wallet.enroll(portalUrl, cardQr, activationCode)

    /** The card, re-verified now against the stored trust data; `null` before enrollment. */
    public suspend fun card(): CardView? = wallet.card()

    /**
     * A fresh live QR code: the card plus this phone's signature over the current time.
     * Show a new one every few seconds ([QrCode.madeAtUnix]); draw [QrCode.modules] with a
     * quiet zone of 4 light modules.
     *
     * @throws DocketException.KeyStore if the phone's key store cannot sign.
     * @throws DocketException.NotEnrolled before enrollment.
     */
    public suspend fun liveQr(): QrCode = wallet.liveQr()

    /** The cached hearings, soonest first, and how fresh the list is; works offline. */
    public suspend fun hearings(): HearingsView = wallet.hearings()

    /**
     * Queues a check-in with an optional [note]; it is on disk when this returns and is
     * delivered exactly once by [sync].
     *
     * @throws DocketException.InvalidInput if the note is too long.
     */
    public suspend fun checkIn(note: String? = null): OutboxItemView = wallet.checkIn(note)

    /**
     * Queues a change of address: the holder moved to [address] on [movedOn]; [today] (the
     * phone's date) bounds it. On disk when this returns; delivered in order by [sync].
     *
     * @throws DocketException.InvalidInput naming the field that is wrong.
     */
    public suspend fun reportMove(
        address: AddressInput,
        movedOn: LocalDate,
        today: LocalDate = LocalDate.now(),
    ): OutboxItemView = wallet.reportMove(address, movedOn.toString(), today.toString())

    /** The items not yet confirmed, oldest first (what [outbox] holds). */
    public suspend fun pending(): List<OutboxItemView> = wallet.pending()

    /** The items the portal confirmed, newest first, with its reference for each. */
    public suspend fun history(): List<OutboxItemView> = wallet.history()

    /** Sends the item [id] again at the next [sync], under the same idempotency key. */
    public suspend fun resend(id: Long): OutboxItemView = wallet.resend(id)

    /** Deletes the item [id], which the portal never received or refused. */
    public suspend fun discard(id: Long): Unit = wallet.discard(id)

    /**
     * One sync pass: sends the outbox, refreshes hearings, then the trust data. Stops
     * cleanly after [deadline] (a background job's budget); with [waitForRetries], waits
     * out retry delays until then. Being offline is not an error: the summary says
     * `offline` and the items stay queued.
     *
     * @throws DocketException.Sync if the pass cannot run at all (e.g. not enrolled).
     */
    public suspend fun sync(deadline: Duration? = null, waitForRetries: Boolean = false): SyncSummary =
        wallet.sync(deadline?.inWholeMilliseconds?.coerceAtLeast(0)?.toULong(), waitForRetries)

    /**
     * Stops observing, then frees the native wallet (after any call still running on it
     * returns). Later calls fail with [IllegalStateException]; closing again does nothing.
     */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        scope.cancel()
        wallet.setObserver(null)
        wallet.close()
    }
}
