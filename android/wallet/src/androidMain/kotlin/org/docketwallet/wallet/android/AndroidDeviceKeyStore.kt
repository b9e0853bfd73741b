package org.docketwallet.wallet.android

import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import java.math.BigInteger
import java.security.KeyPairGenerator
import java.security.PrivateKey
import java.security.ProviderException
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import org.docketwallet.ffi.KeyStore
import org.docketwallet.ffi.PlatformException

/**
 * The device key in the Android Keystore: a P-256 signing key generated inside the
 * phone's secure hardware (StrongBox when the phone has it, else the TEE), which never
 * leaves it. The library calls it on its own threads, never the main one; StrongBox
 * signatures can take a few hundred milliseconds, which the live QR code's refresh
 * interval absorbs.
 *
 * @param context any context; only the package manager is asked (whether there is StrongBox).
 * @param alias the Keystore alias of the device key.
 */
public class AndroidDeviceKeyStore(
    context: Context,
    private val alias: String = DEFAULT_ALIAS,
) : KeyStore {
    private val hasStrongBox: Boolean = Build.VERSION.SDK_INT >= Build.VERSION_CODES.P &&
        context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)

    private val keyStore: java.security.KeyStore by lazy {
        java.security.KeyStore.getInstance(ANDROID_KEY_STORE).apply { load(null) }
    }

    /** Creates the device key if there is none yet; its public key, SEC1 uncompressed. */
    @Synchronized
    override fun createKey(): ByteArray {
        if (!keyStore.containsAlias(alias)) generate()
        return publicKey()
    }

    /** The device key's public key, SEC1 uncompressed (`04 || X || Y`). */
    override fun publicKey(): ByteArray {
        val certificate = keyStore.getCertificate(alias) ?: throw PlatformException.Failed("the device key is missing")
        return uncompressed(certificate.publicKey as ECPublicKey)
    }

    /** ECDSA P-256 over SHA-256 of [message] (the Keystore hashes), ASN.1 DER. */
    override fun sign(message: ByteArray): ByteArray {
        val key = keyStore.getKey(alias, null) as? PrivateKey
            ?: throw PlatformException.Failed("the device key is missing")
        return try {
            Signature.getInstance("SHA256withECDSA").run {
                initSign(key)
                update(message)
                sign()
            }
        } catch (_: UserNotAuthenticatedException) {
            throw PlatformException.Locked()
        } catch (_: KeyPermanentlyInvalidatedException) {
            throw PlatformException.Failed("the device key was invalidated; the card must be enrolled again")
        }
    }

    private fun generate() {
        val generator = KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, ANDROID_KEY_STORE)
        if (hasStrongBox) {
            try {
                generator.initialize(spec(strongBox = true))
                generator.generateKeyPair()
                return
            } catch (_: ProviderException) {
                // StrongBoxUnavailableException (a ProviderException): use the TEE.
            }
        }
        generator.initialize(spec(strongBox = false))
        generator.generateKeyPair()
    }

    private fun spec(strongBox: Boolean): KeyGenParameterSpec =
        KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
            .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
            .setDigests(KeyProperties.DIGEST_SHA256)
            .apply { if (strongBox && Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) setIsStrongBoxBacked(true) }
            .build()

    /** Where the default alias is. */
    public companion object {
        /** The Keystore alias used unless another is given. */
        public const val DEFAULT_ALIAS: String = "docket-device-key"

        internal const val ANDROID_KEY_STORE = "AndroidKeyStore"

        private fun uncompressed(key: ECPublicKey): ByteArray =
            byteArrayOf(4) + key.w.affineX.fixed32() + key.w.affineY.fixed32()

        private fun BigInteger.fixed32(): ByteArray {
            val bytes = toByteArray().dropWhile { it == 0.toByte() }.toByteArray()
            return ByteArray(32 - bytes.size) + bytes
        }
    }
}
