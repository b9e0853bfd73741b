package org.docketwallet.wallet

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.docketwallet.ffi.LogSink
import org.docketwallet.ffi.libraryVersion
import org.docketwallet.ffi.uniffiEnsureInitialized

/**
 * The native library, `libdocket_ffi.so`, as a whole.
 *
 * JNA loads it (`Native.register`, the JVM's `System.loadLibrary`) once per process,
 * lazily, the first time anything needs it. [load] does that on [Dispatchers.IO], so the
 * main thread never waits for the dynamic linker; [DocketWallet.open] and
 * [DocketVerifier.open] call it before anything else, and calling it again costs
 * nothing. On the host JVM the library is found through `-Djna.library.path`; on Android
 * it is packaged in the APK's `lib/<abi>/` and JNA finds it there.
 */
public object DocketLibrary {
    // `lazy` is synchronized: one load, whichever thread asks first.
    private val loaded: Unit by lazy { uniffiEnsureInitialized() }

    /** Loads the native library if no call has yet, off the caller's thread. */
    public suspend fun load() {
        withContext(Dispatchers.IO) { loaded }
    }

    /** The native library's version, for about screens and bug reports. */
    public suspend fun version(): String {
        load()
        return libraryVersion()
    }

    /**
     * Sends the library's log lines to [sink] (no personal data is ever logged), or
     * stops sending them with `null`. One sink per process.
     */
    public suspend fun setLogSink(sink: LogSink?) {
        load()
        org.docketwallet.ffi.setLogSink(sink)
    }
}
