package org.docketwallet.wallet.android

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import android.util.AtomicFile
import java.io.File
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import org.docketwallet.ffi.PlatformException
import org.docketwallet.ffi.SecretStore

/**
 * Small secrets (the wallet database's key) sealed with an AES-256-GCM key that lives in
 * the Android Keystore: each secret is a file in the app's no-backup directory holding
 * `iv || ciphertext`, bound to its name, written atomically and synced before [save]
 * returns. A backup cannot carry it to another phone, whose Keystore could not open it.
 *
 * @param context for the no-backup files directory.
 * @param alias the Keystore alias of the wrapping key.
 */
public class KeystoreSecretStore(
    context: Context,
    private val alias: String = DEFAULT_ALIAS,
) : SecretStore {
    private val dir = File(context.noBackupFilesDir, "docket-secrets")

    private val keyStore: java.security.KeyStore by lazy {
        java.security.KeyStore.getInstance(AndroidDeviceKeyStore.ANDROID_KEY_STORE).apply { load(null) }
    }

    /** The secret saved under [name], or `null` if there is none. */
    override fun load(name: String): ByteArray? {
        val file = file(name)
        if (!file.baseFile.exists()) return null
        val sealed = file.readFully()
        if (sealed.size <= IV_BYTES) throw PlatformException.Failed("the sealed secret is damaged")
        return crypt {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES))
            cipher.updateAAD(name.toByteArray())
            cipher.doFinal(sealed, IV_BYTES, sealed.size - IV_BYTES)
        }
    }

    /** Seals [secret] under [name], replacing any earlier one; on disk when this returns. */
    override fun save(name: String, secret: ByteArray) {
        val sealed = crypt {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.ENCRYPT_MODE, key()) // the Keystore picks a fresh IV
            cipher.updateAAD(name.toByteArray())
            cipher.iv + cipher.doFinal(secret)
        }
        dir.mkdirs()
        val file = file(name)
        val out = file.startWrite()
        try {
            out.write(sealed)
            file.finishWrite(out) // flushes and syncs before the rename
        } catch (e: Exception) {
            file.failWrite(out)
            throw PlatformException.Failed("the secret could not be written: ${e.javaClass.simpleName}")
        }
    }

    private fun file(name: String): AtomicFile {
        if (!name.matches(SAFE_NAME)) throw PlatformException.Failed("unexpected secret name")
        return AtomicFile(File(dir, name))
    }

    @Synchronized
    private fun key(): SecretKey =
        keyStore.getKey(alias, null) as? SecretKey
            ?: KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, AndroidDeviceKeyStore.ANDROID_KEY_STORE).run {
                init(
                    KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                        .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                        .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                        .setKeySize(KEY_BITS)
                        .build(),
                )
                generateKey()
            }

    private inline fun <T> crypt(block: () -> T): T =
        try {
            block()
        } catch (_: UserNotAuthenticatedException) {
            throw PlatformException.Locked()
        }

    /** Where the default alias is. */
    public companion object {
        /** The Keystore alias used unless another is given. */
        public const val DEFAULT_ALIAS: String = "docket-secrets-key"

        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val KEY_BITS = 256
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128
        private val SAFE_NAME = Regex("[A-Za-z0-9._-]+")
    }
}
