package org.docketwallet.wallet

import org.docketwallet.ffi.KeyStore
import org.docketwallet.ffi.PlatformException
import org.docketwallet.ffi.SecretStore

// The app's platform stores are called from the library's threads. Whatever they throw
// becomes a PlatformException here: the generated glue would otherwise hand the library a
// whole stack trace as the reason (which reaches the holder's screen), and would not catch
// an Error at all, letting it unwind into native code.

private inline fun <T> guarded(store: String, call: String, block: () -> T): T =
    try {
        block()
    } catch (e: PlatformException) {
        throw e
    } catch (e: Throwable) {
        val why = e.message?.takeIf { it.isNotBlank() }?.let { ": $it" } ?: ""
        throw PlatformException.Failed("the $store failed in $call (${e.javaClass.simpleName}$why)")
    }

/** [KeyStore] whose every failure is a [PlatformException]. */
internal class GuardedKeyStore(private val inner: KeyStore) : KeyStore {
    override fun createKey(): ByteArray = guarded("key store", "createKey") { inner.createKey() }

    override fun publicKey(): ByteArray = guarded("key store", "publicKey") { inner.publicKey() }

    override fun sign(message: ByteArray): ByteArray = guarded("key store", "sign") { inner.sign(message) }
}

/** [SecretStore] whose every failure is a [PlatformException]. */
internal class GuardedSecretStore(private val inner: SecretStore) : SecretStore {
    override fun load(name: String): ByteArray? = guarded("secret store", "load") { inner.load(name) }

    override fun save(name: String, secret: ByteArray): Unit =
        guarded("secret store", "save") { inner.save(name, secret) }
}
