package org.docketwallet.wallet

import kotlin.time.Duration
import org.docketwallet.ffi.WalletConfig as FfiWalletConfig

/**
 * How a wallet is opened: where its database lives, which issuer roots the app trusts,
 * and how patient its network calls are. Made with [builder]:
 *
 * ```
 * val config = WalletConfig.builder(File(context.noBackupFilesDir, "wallet.db").path)
 *     .rootKey(BuildConfig.DOCKET_ROOT_KEY)
 *     .build()
 * ```
 */
public class WalletConfig private constructor(
    /** The database file, created on first open, in the app's private storage. */
    public val databasePath: String,
    /** The issuer root keys built into the app (Ed25519, hex); never empty. */
    public val rootKeys: List<String>,
    /** Longest wait for one portal request; `null` for the library's default (20 s). */
    public val requestTimeout: Duration?,
    /** First retry delay, doubled per attempt; `null` for the library's default (10 s). */
    public val retryBase: Duration?,
) {
    /** Collects a [WalletConfig]; everything but the database path and a root key has a default. */
    public class Builder internal constructor(private val databasePath: String) {
        private val rootKeys = mutableListOf<String>()
        private var requestTimeout: Duration? = null
        private var retryBase: Duration? = null

        /** Trusts the issuer root key [hex] (Ed25519, 64 hex digits). At least one is needed. */
        public fun rootKey(hex: String): Builder = apply { rootKeys += hex }

        /** Waits at most [timeout] (at least 1 ms) for one portal request. */
        public fun requestTimeout(timeout: Duration): Builder = apply {
            require(timeout.inWholeMilliseconds >= 1) { "requestTimeout must be at least 1 ms" }
            requestTimeout = timeout
        }

        /** Waits [delay] (at least 1 ms) before the first retry of a failed send; tests shorten it. */
        public fun retryBase(delay: Duration): Builder = apply {
            require(delay.inWholeMilliseconds >= 1) { "retryBase must be at least 1 ms" }
            retryBase = delay
        }

        /** The config; fails if the database path is blank or no root key was given. */
        public fun build(): WalletConfig {
            require(databasePath.isNotBlank()) { "databasePath must not be blank" }
            require(rootKeys.isNotEmpty()) { "at least one issuer root key must be built into the app" }
            return WalletConfig(databasePath, rootKeys.toList(), requestTimeout, retryBase)
        }
    }

    /** Where builders come from. */
    public companion object {
        /** A builder for a wallet whose database is the file at [databasePath]. */
        public fun builder(databasePath: String): Builder = Builder(databasePath)
    }

    // 0 asks the library for its own default.
    internal fun toFfi(): FfiWalletConfig = FfiWalletConfig(
        databasePath = databasePath,
        rootKeys = rootKeys,
        requestTimeoutMs = requestTimeout?.inWholeMilliseconds?.toULong() ?: 0UL,
        retryBaseMs = retryBase?.inWholeMilliseconds?.toULong() ?: 0UL,
    )
}
