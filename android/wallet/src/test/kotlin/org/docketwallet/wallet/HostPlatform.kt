package org.docketwallet.wallet

import java.math.BigInteger
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.StandardOpenOption
import java.security.KeyFactory
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.security.spec.PKCS8EncodedKeySpec
import java.security.spec.X509EncodedKeySpec
import java.util.concurrent.ConcurrentHashMap
import org.docketwallet.ffi.KeyStore
import org.docketwallet.ffi.PlatformException
import org.docketwallet.ffi.SecretStore

/**
 * The host JVM's stand-in for the phone's key store: a software P-256 key (`java.security`),
 * kept in memory, or in [dir] so that another process can open the same wallet.
 */
class SoftwareKeyStore(private val dir: Path? = null) : KeyStore {
    /** Runs before every signature; tests make it throw or wait. */
    @Volatile
    var beforeSign: () -> Unit = {}

    /** Runs before the key is created; tests make it throw. */
    @Volatile
    var beforeCreate: () -> Unit = {}

    private var keyPair: KeyPair? = null

    @Synchronized
    override fun createKey(): ByteArray {
        beforeCreate()
        val pair = keyPair ?: loadFromDisk() ?: generate().also(::saveToDisk)
        keyPair = pair
        return uncompressed(pair.public as ECPublicKey)
    }

    override fun publicKey(): ByteArray = uncompressed(current().public as ECPublicKey)

    override fun sign(message: ByteArray): ByteArray {
        beforeSign()
        // SHA256withECDSA hashes the message itself, as the Keystore and the Secure Enclave
        // do; the answer is ASN.1 DER.
        return Signature.getInstance("SHA256withECDSA").run {
            initSign(current().private)
            update(message)
            sign()
        }
    }

    @Synchronized
    private fun current(): KeyPair =
        keyPair ?: loadFromDisk()?.also { keyPair = it } ?: throw PlatformException.Failed("no device key yet")

    private fun generate(): KeyPair =
        KeyPairGenerator.getInstance("EC").run {
            initialize(ECGenParameterSpec("secp256r1"))
            generateKeyPair()
        }

    private fun loadFromDisk(): KeyPair? {
        val dir = dir ?: return null
        val private = dir.resolve("device-key.pk8")
        if (!Files.exists(private)) return null
        val factory = KeyFactory.getInstance("EC")
        return KeyPair(
            factory.generatePublic(X509EncodedKeySpec(Files.readAllBytes(dir.resolve("device-key.pub")))),
            factory.generatePrivate(PKCS8EncodedKeySpec(Files.readAllBytes(private))),
        )
    }

    private fun saveToDisk(pair: KeyPair) {
        val dir = dir ?: return
        Files.createDirectories(dir)
        Files.write(dir.resolve("device-key.pub"), pair.public.encoded)
        Files.write(dir.resolve("device-key.pk8"), pair.private.encoded)
    }

    private companion object {
        /** SEC1 uncompressed point: `04 || X || Y`, 32 bytes each. */
        fun uncompressed(key: ECPublicKey): ByteArray =
            byteArrayOf(4) + key.w.affineX.fixed32() + key.w.affineY.fixed32()

        fun BigInteger.fixed32(): ByteArray {
            val bytes = toByteArray().dropWhile { it == 0.toByte() }.toByteArray()
            return ByteArray(32 - bytes.size) + bytes
        }
    }
}

/**
 * The host JVM's stand-in for the phone's secret store: each secret a file in [dir],
 * written atomically and flushed before [save] returns.
 */
class FileSecretStore(private val dir: Path) : SecretStore {
    override fun load(name: String): ByteArray? =
        file(name).takeIf { Files.exists(it) }?.let { Files.readAllBytes(it) }

    override fun save(name: String, secret: ByteArray) {
        Files.createDirectories(dir)
        val temp = Files.createTempFile(dir, "secret", ".tmp")
        Files.newOutputStream(temp, StandardOpenOption.WRITE, StandardOpenOption.SYNC).use { it.write(secret) }
        Files.move(temp, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
    }

    private fun file(name: String): Path {
        require(name.matches(Regex("[A-Za-z0-9._-]+"))) { "unexpected secret name" }
        return dir.resolve(name)
    }
}

/** A secret store in memory, for wallets that live as long as one test. */
class MemorySecretStore : SecretStore {
    private val secrets = ConcurrentHashMap<String, ByteArray>()

    override fun load(name: String): ByteArray? = secrets[name]?.copyOf()

    override fun save(name: String, secret: ByteArray) {
        secrets[name] = secret.copyOf()
    }
}
