package org.docketwallet.wallet

import java.lang.management.ManagementFactory
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking

/** Runs in a fresh JVM: load, open the wallet in `args[0]` with the keys in `args[1]`, read the card. */
fun main(args: Array<String>) = runBlocking<Unit> {
    val (database, keys, rootKey) = args
    val t0 = System.nanoTime()
    com.sun.jna.Native.getNativeSize(Int::class.java) // JNA itself (on the host: unpacks libjnidispatch)
    val tJna = System.nanoTime()
    DocketLibrary.load()
    val t1 = System.nanoTime()
    val config = WalletConfig.builder(database).rootKey(rootKey).build()
    DocketWallet.open(config, SoftwareKeyStore(Path.of(keys)), FileSecretStore(Path.of(keys))).use { wallet ->
        val t2 = System.nanoTime()
        val card = checkNotNull(wallet.card()) { "no card" }
        check(card.verdict.valid) { "card not valid: ${card.verdict.reasons}" }
        val t3 = System.nanoTime()
        val jvmToCard = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().startTime
        val ms = { from: Long, to: Long -> TimeUnit.NANOSECONDS.toMillis(to - from) }
        println(
            "serial=${card.verdict.holder?.cardNumber} jna=${ms(t0, tJna)} load=${ms(t0, t1)} " +
                "open=${ms(t1, t2)} card=${ms(t2, t3)} loadToCard=${ms(t0, t3)} jvmToCard=$jvmToCard",
        )
    }
}
