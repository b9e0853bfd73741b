package org.docketwallet.wallet

import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import org.junit.jupiter.api.io.TempDir

/**
 * How long an app waits, from a cold start, before it can draw the card: loading the
 * native library, opening the wallet, reading and re-verifying the card. Measured in a
 * fresh JVM (this one has the library loaded already), printed, never asserted.
 */
@ExtendWith(PortalExtension::class)
class LoadToCardTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `load to card, measured in a fresh JVM`(portal: Portal) {
        val keys = dir.resolve("keys")
        val holder = portal.addHolder()
        runBlocking<Unit> {
            openTestWallet(dir, portal, SoftwareKeyStore(keys), FileSecretStore(keys)).use { wallet ->
                wallet.enroll(portal.url, holder.cardQr, holder.activationCode)
            }
        }
        portal.stop() // the card is shown offline

        val library = System.getProperty("docket.probe.library.dir") ?: System.getProperty("jna.library.path")
        val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
        val probe = ProcessBuilder(
            java,
            "-cp", System.getProperty("java.class.path"),
            // -Ddocket.probe.library.dir=target/mobile measures the shipping build instead.
            "-Djna.library.path=$library",
            "org.docketwallet.wallet.LoadToCardProbeKt",
            dir.resolve("wallet.db").toString(), keys.toString(), portal.rootKey,
        ).redirectErrorStream(true).start()
        val out = probe.inputStream.bufferedReader().readText()
        assertTrue(probe.waitFor(2, TimeUnit.MINUTES), "probe hung")
        assertEquals(0, probe.exitValue(), out)
        val figures = Regex("""(\w+)=(\d+)""").findAll(out).associate { it.groupValues[1] to it.groupValues[2] }
        assertEquals(holder.serial, Regex("serial=(\\S+)").find(out)?.groupValues?.get(1), out)
        println("kotlin: load-to-card ${figures["loadToCard"]} ms")
        println(
            "kotlin: load-to-card detail: Native load ${figures["load"]} ms (JNA ${figures["jna"]} ms of it), open ${figures["open"]} ms, " +
                "card ${figures["card"]} ms; from JVM start ${figures["jvmToCard"]} ms",
        )
    }
}
