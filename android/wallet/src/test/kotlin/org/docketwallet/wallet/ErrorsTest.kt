package org.docketwallet.wallet

import java.nio.file.Files
import java.nio.file.Path
import java.time.LocalDate
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.runBlocking
import org.docketwallet.ffi.AddressInput
import org.docketwallet.ffi.DocketException
import org.docketwallet.ffi.ListOutcome
import org.docketwallet.ffi.OutboxKind
import org.docketwallet.ffi.OutboxState
import org.docketwallet.ffi.PlatformException
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import org.junit.jupiter.api.io.TempDir

/** Failures come back as typed [DocketException]s with stable codes, never as crashes. */
@ExtendWith(PortalExtension::class)
class ErrorsTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `a wrong activation code is an Enrollment error, and enrolling again works`(portal: Portal) = runBlocking<Unit> {
        val holder = portal.addHolder()
        openTestWallet(dir, portal).use { wallet ->
            val code = holder.activationCode
            val wrong = (if (code[0] == 'Z') "Y" else "Z") + code.drop(1)
            val error = assertFailsWith<DocketException.Enrollment> {
                wallet.enroll(portal.url, holder.cardQr, wrong)
            }
            assertEquals("activation_code_wrong", error.code)
            assertEquals("activation_code_wrong", (error as DocketException).errorCode)
            assertTrue(error.holderMessage.isNotBlank())
            assertNull(wallet.card(), "nothing saved")

            assertTrue(wallet.enroll(portal.url, holder.cardQr, code).verdict.valid)
        }
    }

    @Test
    fun `a bad address is InvalidInput naming the problem`(portal: Portal) = runBlocking<Unit> {
        val (wallet, _) = enrolledWallet(dir, portal)
        wallet.use {
            val today = LocalDate.of(2026, 11, 20)
            val address = AddressInput("1200 Main St", null, "Houston", "TX", "77002")
            val badState = assertFailsWith<DocketException.InvalidInput> {
                wallet.reportMove(address.copy(state = "ZZ"), today, today)
            }
            assertEquals("unknown_state", badState.code)
            val badZip = assertFailsWith<DocketException.InvalidInput> {
                wallet.reportMove(address.copy(zip = "00000"), today, today)
            }
            assertEquals("placeholder_zip", badZip.code)
            assertTrue(badZip.holderMessage.contains("ZIP"), badZip.holderMessage)
            assertEquals(emptyList(), wallet.pending(), "nothing queued")

            assertEquals(OutboxKind.ADDRESS_CHANGE, wallet.reportMove(address, today, today).kind)
        }
    }

    @Test
    fun `a key store that throws gives a typed KeyStore error, and the wallet goes on`(portal: Portal) = runBlocking<Unit> {
        val keyStore = SoftwareKeyStore()
        val (wallet, _) = enrolledWallet(dir, portal, keyStore)
        wallet.use {
            keyStore.beforeSign = { throw IllegalStateException("secure element unavailable") }
            val error = assertFailsWith<DocketException.KeyStore> { wallet.liveQr() }
            assertEquals("key_store_failed", error.errorCode)
            assertTrue(error.holderMessage.contains("secure element unavailable"), error.holderMessage)
            assertFalse(error.holderMessage.contains("\tat "), "no stack trace for the holder: ${error.holderMessage}")

            // A pass that cannot sign its requests keeps the item for a retry.
            val item = wallet.checkIn(null)
            val failed = wallet.sync()
            assertEquals(0u, failed.sent)
            assertEquals(1u, failed.retrying)
            assertEquals(listOf(item.id to OutboxState.QUEUED), wallet.pending().map { it.id to it.state })

            keyStore.beforeSign = {}
            assertTrue(wallet.liveQr().modules.isNotEmpty())
            assertEquals(1u, wallet.sync(deadline = 30.seconds, waitForRetries = true).sent)
            assertEquals(1, portal.receivedKeys().count { it == item.idempotencyKey })
        }
    }

    @Test
    fun `a locked key store says to unlock the phone, and works once unlocked`(portal: Portal) = runBlocking<Unit> {
        val keyStore = SoftwareKeyStore()
        val (wallet, _) = enrolledWallet(dir, portal, keyStore)
        wallet.use {
            keyStore.beforeSign = { throw PlatformException.Locked() }
            val error = assertFailsWith<DocketException.KeyStore> { wallet.liveQr() }
            assertEquals("key_store_locked", error.errorCode)
            assertTrue(error.holderMessage.contains("unlock"), error.holderMessage)

            keyStore.beforeSign = {}
            assertTrue(wallet.liveQr().modules.isNotEmpty())
        }
    }

    @Test
    fun `a key store that cannot create the key fails open with a KeyStore error`(portal: Portal) = runBlocking<Unit> {
        val keyStore = SoftwareKeyStore()
        keyStore.beforeCreate = { throw UnsupportedOperationException("no hardware key store") }
        val error = assertFailsWith<DocketException.KeyStore> { openTestWallet(dir, portal, keyStore) }
        assertTrue(error.holderMessage.contains("no hardware key store"), error.holderMessage)
    }

    @Test
    fun `sync before enrollment is a typed error`(portal: Portal) = runBlocking<Unit> {
        openTestWallet(dir, portal).use { wallet ->
            val error = assertFailsWith<DocketException> { wallet.sync() }
            assertEquals("not_enrolled", error.errorCode)
            assertFailsWith<DocketException.NotEnrolled> { wallet.liveQr() }
        }
    }

    @Test
    fun `the verifier refuses bad lists and bad frames, and finds nothing in a blank frame`(portal: Portal) =
        runBlocking<Unit> {
            val noRoot = assertFailsWith<DocketException.InvalidInput> {
                DocketVerifier.open(dir.resolve("o1").toString(), emptyList())
            }
            assertEquals("root_key", noRoot.code)
            DocketVerifier.open(dir.resolve("o2").toString(), listOf(portal.rootKey)).use { verifier ->
                val noPortal = assertFailsWith<DocketException.InvalidInput> { verifier.updateLists() }
                assertEquals("no_portal", noPortal.code)
                val refused = verifier.installLists(byteArrayOf(1, 2, 3), portal.statusList)
                val outcome = assertIs<ListOutcome.Refused>(refused.trustList)
                assertEquals("trust_list_malformed", outcome.code)
                assertFalse(refused.freshness.ready)
                assertEquals(
                    listOf("trust_list_malformed", "status_list_missing"),
                    refused.freshness.reasons.map { it.code },
                )
                assertTrue(verifier.installLists(portal.trustList, portal.statusList).freshness.ready)

                val bad = assertFailsWith<DocketException.InvalidInput> { verifier.scanFrame(ByteArray(10), 100, 100) }
                assertEquals("bad_frame", bad.code)
                assertNull(verifier.scanFrame(ByteArray(200 * 200) { -1 }, 200, 200))
                val garbage = verifier.verifyText("SC1:NOT-A-CARD")
                assertFalse(garbage.valid)
                assertNotNull(garbage.reasons.firstOrNull())
            }
        }

    @Test
    fun `a damaged officer state is a Storage error and is left as it was`(portal: Portal) = runBlocking<Unit> {
        val stateDir = dir.resolve("officer")
        Files.createDirectories(stateDir)
        val stateFile = stateDir.resolve("officer-state.json")
        val damaged = "{\"trust_list\": ".toByteArray()
        Files.write(stateFile, damaged)
        val error = assertFailsWith<DocketException.Storage> {
            DocketVerifier.open(stateDir.toString(), listOf(portal.rootKey), portal.url)
        }
        assertEquals("officer_state_damaged", error.errorCode)
        assertContentEquals(damaged, Files.readAllBytes(stateFile))
    }
}
