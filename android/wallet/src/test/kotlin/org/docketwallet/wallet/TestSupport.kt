package org.docketwallet.wallet

import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import org.docketwallet.ffi.QrCode
import org.docketwallet.ffi.SecretStore

/** Opens a wallet in [dir] trusting [portal]'s issuer, with short retries for tests. */
suspend fun openTestWallet(
    dir: Path,
    portal: Portal,
    keyStore: SoftwareKeyStore = SoftwareKeyStore(),
    secretStore: SecretStore = MemorySecretStore(),
): DocketWallet = DocketWallet.open(
    WalletConfig.builder(dir.resolve("wallet.db").toString())
        .rootKey(portal.rootKey)
        .requestTimeout(10.seconds)
        .retryBase(50.milliseconds)
        .build(),
    keyStore,
    secretStore,
)

/** Opens (or reopens) the officer's phone in [dir] downloading from [portal]. */
suspend fun openTestVerifier(dir: Path, portal: Portal): DocketVerifier =
    DocketVerifier.open(dir.resolve("officer").toString(), listOf(portal.rootKey), portal.url, 10.seconds)

/** Opens a wallet and enrolls it as a new holder of [portal]. */
suspend fun enrolledWallet(
    dir: Path,
    portal: Portal,
    keyStore: SoftwareKeyStore = SoftwareKeyStore(),
): Pair<DocketWallet, Holder> {
    val holder = portal.addHolder()
    val wallet = openTestWallet(dir, portal, keyStore)
    wallet.enroll(portal.url, holder.cardQr, holder.activationCode)
    return wallet to holder
}

/**
 * Polls [probe] until it answers non-null. The limit only keeps a broken run from hanging;
 * nothing here asserts how long anything takes.
 */
suspend fun <T : Any> eventually(what: String, limit: Duration = 60.seconds, probe: suspend () -> T?): T =
    withTimeoutOrNull(limit) {
        var answer = probe()
        while (answer == null) {
            delay(20)
            answer = probe()
        }
        answer
    } ?: error("gave up waiting: $what")

/** A grayscale camera frame: [width] x [height] bytes of luma, no row padding. */
class LumaFrame(val luma: ByteArray, val width: Int, val height: Int)

/**
 * Draws the code as a camera would see a perfect screen: [scale] pixels per module,
 * dark 0 on light 255, with a quiet zone of [quietZone] modules.
 */
fun QrCode.toLumaFrame(scale: Int = 4, quietZone: Int = 4): LumaFrame {
    val n = size.toInt()
    val side = (n + 2 * quietZone) * scale
    val luma = ByteArray(side * side) { 0xFF.toByte() }
    for (row in 0 until n) {
        for (col in 0 until n) {
            if (modules[row * n + col] == 1.toByte()) {
                for (dy in 0 until scale) {
                    val start = ((row + quietZone) * scale + dy) * side + (col + quietZone) * scale
                    luma.fill(0, start, start + scale)
                }
            }
        }
    }
    return LumaFrame(luma, side, side)
}
