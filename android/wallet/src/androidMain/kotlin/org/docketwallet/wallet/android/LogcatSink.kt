package org.docketwallet.wallet.android

import android.util.Log
import org.docketwallet.ffi.LogLevel
import org.docketwallet.ffi.LogSink

/**
 * Sends the library's log lines (never personal data) to Logcat under [tag]. Install it
 * with `DocketLibrary.setLogSink(LogcatSink())`.
 */
public class LogcatSink(private val tag: String = "Docket") : LogSink {
    /** Writes one line at the matching Logcat priority. */
    override fun log(level: LogLevel, message: String) {
        when (level) {
            LogLevel.DEBUG -> Log.d(tag, message)
            LogLevel.INFO -> Log.i(tag, message)
            LogLevel.WARN -> Log.w(tag, message)
            LogLevel.ERROR -> Log.e(tag, message)
        }
    }
}
