package org.docketwallet.wallet

import org.docketwallet.ffi.DocketException

/**
 * The stable code of this failure, for branching and for looking up the app's translated
 * text: the library's code where the variant has one (`activation_code_wrong`,
 * `state_unknown`, `corrupt`, `key_store_locked`, ...), else `not_enrolled` or `internal`.
 */
public val DocketException.errorCode: String
    get() = when (this) {
        is DocketException.Enrollment -> code
        is DocketException.Storage -> code
        is DocketException.Sync -> code
        is DocketException.InvalidInput -> code
        is DocketException.KeyStore -> code
        is DocketException.NotEnrolled -> "not_enrolled"
        is DocketException.Internal -> "internal"
    }

/** What to tell the holder or officer, in English (apps translate by [errorCode]). */
public val DocketException.holderMessage: String
    get() = when (this) {
        is DocketException.Enrollment -> detail
        is DocketException.Storage -> detail
        is DocketException.Sync -> detail
        is DocketException.InvalidInput -> detail
        is DocketException.KeyStore -> detail
        is DocketException.NotEnrolled -> detail
        is DocketException.Internal -> detail
    }
