package org.docketwallet.app

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import java.io.File
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.stateIn
import org.docketwallet.ffi.CardView
import org.docketwallet.ffi.DocketException
import org.docketwallet.ffi.QrCode
import org.docketwallet.wallet.DocketLibrary
import org.docketwallet.wallet.DocketWallet
import org.docketwallet.wallet.WalletConfig
import org.docketwallet.wallet.android.AndroidDeviceKeyStore
import org.docketwallet.wallet.android.KeystoreSecretStore
import org.docketwallet.wallet.android.LogcatSink
import org.docketwallet.wallet.holderMessage

/** What the card screen shows. */
sealed interface CardScreenState {
    /** The wallet is opening (the library loads off the main thread). */
    data object Opening : CardScreenState

    /** No card has been enrolled on this phone. */
    data object NotEnrolled : CardScreenState

    /** The card, re-verified now. */
    data class Ready(val card: CardView) : CardScreenState

    /** Something the holder should read. */
    data class Failed(val message: String) : CardScreenState
}

/** Holds the one open wallet for the screen, and closes it with the view model. */
class WalletViewModel(application: Application) : AndroidViewModel(application) {
    private val wallet: Deferred<DocketWallet> = viewModelScope.async {
        DocketLibrary.setLogSink(LogcatSink())
        val config = WalletConfig.builder(File(application.noBackupFilesDir, "wallet.db").path)
            .rootKey(BuildConfig.DOCKET_ROOT_KEY)
            .build()
        DocketWallet.open(config, AndroidDeviceKeyStore(application), KeystoreSecretStore(application))
            .also { addCloseable(it) }
    }

    /** The card screen's state. */
    val state: StateFlow<CardScreenState> = flow {
        val card = wallet.await().card()
        emit(if (card == null) CardScreenState.NotEnrolled else CardScreenState.Ready(card))
    }.catch { e ->
        if (e !is DocketException) throw e
        emit(CardScreenState.Failed(e.holderMessage))
    }.stateIn(viewModelScope, SharingStarted.WhileSubscribed(5_000), CardScreenState.Opening)

    /** A fresh live QR code every few seconds, while someone collects (the screen is visible). */
    val liveQr: Flow<QrCode?> = flow {
        val open = wallet.await()
        while (true) {
            emit(open.liveQr())
            delay(LIVE_QR_REFRESH)
        }
    }.catch { e ->
        if (e !is DocketException) throw e
        emit(null)
    }

    private companion object {
        val LIVE_QR_REFRESH = 5.seconds
    }
}
