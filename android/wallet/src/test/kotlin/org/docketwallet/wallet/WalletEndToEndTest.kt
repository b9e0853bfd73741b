package org.docketwallet.wallet

import java.nio.file.Path
import java.util.Collections
import java.util.concurrent.CountDownLatch
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.onSubscription
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.runInterruptible
import org.docketwallet.ffi.CodeForm
import org.docketwallet.ffi.HearingStatus
import org.docketwallet.ffi.ListOutcome
import org.docketwallet.ffi.ListState
import org.docketwallet.ffi.OutboxItemView
import org.docketwallet.ffi.OutboxState
import org.docketwallet.ffi.SyncStop
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import org.junit.jupiter.api.io.TempDir

/** The holder's journeys through the Kotlin facade, against a real portal on loopback. */
@ExtendWith(PortalExtension::class)
class WalletEndToEndTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun `enrollment saves a valid card with the holder's fields and hearings`(portal: Portal) = runBlocking<Unit> {
        val holder = portal.addHolder()
        openTestWallet(dir, portal).use { wallet ->
            assertNull(wallet.card(), "no card before enrollment")

            val enrolled = wallet.enroll(portal.url, holder.cardQr, holder.activationCode)
            assertTrue(enrolled.verdict.valid, "enrollment verdict: ${enrolled.verdict.reasons}")
            assertEquals(1u, enrolled.hearings)

            val card = assertNotNull(wallet.card())
            assertTrue(card.verdict.valid, "card verdict: ${card.verdict.reasons}")
            val fields = assertNotNull(card.verdict.holder)
            assertEquals("Nguyễn", fields.familyName)
            assertEquals("Thị Lan", fields.givenNames)
            assertEquals("1985-03", fields.dateOfBirth)
            assertEquals("F", fields.sex)
            assertEquals("VNM", fields.nationality)
            assertEquals("2030-06-30", fields.expires)
            assertEquals(holder.serial, fields.cardNumber)
            assertTrue(fields.boundToPhone)
            assertContentEquals(holder.photo, card.photo)

            val hearings = wallet.hearings()
            assertEquals(listOf("H-1"), hearings.upcoming.map { it.id })
            assertEquals("Houston Immigration Court", hearings.upcoming.single().courtName)
            assertEquals("America/Chicago", hearings.upcoming.single().timeZone)
        }
    }

    @Test
    fun `a live QR scanned from a camera frame is valid and live, and replayed after a restart`(portal: Portal) =
        runBlocking<Unit> {
            val (wallet, holder) = enrolledWallet(dir, portal)
            wallet.use {
                val qr = wallet.liveQr()
                assertEquals(qr.size.toInt() * qr.size.toInt(), qr.modules.size)
                assertTrue(qr.version <= 12u, "live codes stay at QR version 12 or below, got ${qr.version}")
                val frame = qr.toLumaFrame(scale = 4, quietZone = 4)

                openTestVerifier(dir, portal).use { verifier ->
                    val empty = verifier.freshness()
                    assertFalse(empty.ready)
                    assertEquals(ListState.MISSING, empty.trustList.state)
                    val update = verifier.updateLists()
                    assertTrue(update.trustList is ListOutcome.Installed, "trust list: ${update.trustList}")
                    assertTrue(update.statusList is ListOutcome.Installed, "status list: ${update.statusList}")
                    assertTrue(update.freshness.ready, "not ready: ${update.freshness.reasons}")

                    val first = assertNotNull(verifier.scanFrame(frame.luma, frame.width, frame.height))
                    assertTrue(first.valid, "first scan: ${first.reasons}")
                    assertEquals(CodeForm.LIVE, first.form)
                    assertEquals(holder.serial, first.holder?.cardNumber)
                }

                // The officer's app is restarted: lists and seen codes were kept.
                openTestVerifier(dir, portal).use { verifier ->
                    assertTrue(verifier.freshness().ready, "the lists were kept")
                    val again = assertNotNull(verifier.scanFrame(frame.luma, frame.width, frame.height))
                    assertFalse(again.valid)
                    assertEquals(listOf("live_code_replayed"), again.reasons.map { it.code })

                    val second = verifier.updateLists()
                    assertEquals(ListOutcome.AlreadyCurrent, second.trustList)
                    assertEquals(ListOutcome.AlreadyCurrent, second.statusList)
                    assertNotNull(second.freshness.lastUpdateUnix)
                }
            }
        }

    @Test
    fun `a check-in queued offline is sent exactly once when the portal returns`(portal: Portal) = runBlocking<Unit> {
        val (wallet, _) = enrolledWallet(dir, portal)
        wallet.use {
            val seen = Collections.synchronizedList(mutableListOf<List<OutboxItemView>>())
            val collector = launch(Dispatchers.Default) { wallet.outbox.collect { seen += it } }

            portal.stop()
            val item = wallet.checkIn("at the shelter")
            assertEquals(OutboxState.QUEUED, item.state)
            val offline = wallet.sync()
            assertEquals(SyncStop.OFFLINE, offline.stop)
            assertEquals(0u, offline.sent)
            val queued = wallet.pending().single()
            assertEquals(item.id, queued.id)
            assertEquals(OutboxState.QUEUED, queued.state)

            portal.start()
            val online = wallet.sync(deadline = 30.seconds, waitForRetries = true)
            assertEquals(SyncStop.DONE, online.stop)
            assertEquals(1u, online.sent)
            assertEquals(emptyList(), wallet.pending())
            val sent = wallet.history().single { it.id == item.id }
            assertEquals(OutboxState.SENT, sent.state)
            assertNotNull(sent.reference, "the portal's reference is the holder's proof")
            assertEquals(1, portal.receivedKeys().count { it == item.idempotencyKey })

            // The flow showed the queued item, then the empty list.
            eventually("the outbox flow to show the empty list") {
                synchronized(seen) {
                    val queuedAt = seen.indexOfFirst { list -> list.map { it.id } == listOf(item.id) }
                    queuedAt.takeIf { it >= 0 && seen.drop(it + 1).any { list -> list.isEmpty() } }
                }
            }
            collector.cancel()
        }
    }

    @Test
    fun `a sync whose coroutine is cancelled mid-flight still delivers the item exactly once`(portal: Portal) =
        runBlocking<Unit> {
            val keyStore = SoftwareKeyStore()
            val (wallet, _) = enrolledWallet(dir, portal, keyStore)
            wallet.use {
                val item = wallet.checkIn(null)
                val signing = CountDownLatch(1)
                val release = CountDownLatch(1)
                // The pass stops inside the request signature, on the library's thread.
                keyStore.beforeSign = {
                    signing.countDown()
                    release.await()
                }
                val sync = launch(Dispatchers.Default) { wallet.sync(deadline = 30.seconds, waitForRetries = true) }
                runInterruptible(Dispatchers.IO) { signing.await() }
                sync.cancel()
                sync.join()
                assertTrue(sync.isCancelled)

                keyStore.beforeSign = {}
                release.countDown()
                val sent = eventually("the cancelled pass to commit the item") {
                    wallet.history().firstOrNull { it.id == item.id && it.state == OutboxState.SENT }
                }
                assertNotNull(sent.reference)
                assertEquals(emptyList(), wallet.pending())
                // A later pass has nothing left to send.
                assertEquals(0u, wallet.sync().sent)
                assertEquals(1, portal.receivedKeys().count { it == item.idempotencyKey })
            }
        }

    @Test
    fun `32 coroutines checking in at once make 32 distinct items, each received once`(portal: Portal) =
        runBlocking<Unit> {
            val (wallet, _) = enrolledWallet(dir, portal)
            wallet.use {
                val items = (1..32).map { n -> async(Dispatchers.Default) { wallet.checkIn("check-in $n") } }.awaitAll()
                assertEquals(32, items.map { it.id }.toSet().size)
                assertEquals(32, items.map { it.idempotencyKey }.toSet().size)
                assertEquals(items.map { it.id }.toSet(), wallet.pending().map { it.id }.toSet())
                eventually("the outbox flow to hold all 32") { wallet.outbox.value.takeIf { it.size == 32 } }

                val summary = wallet.sync(deadline = 60.seconds, waitForRetries = true)
                assertEquals(32u, summary.sent)
                val received = portal.receivedKeys()
                assertEquals(items.map { it.idempotencyKey }.sorted(), received.sorted())
                eventually<List<OutboxItemView>>("the outbox flow to empty") {
                    wallet.outbox.value.takeIf { it.isEmpty() }
                }
            }
        }

    @Test
    fun `a moved hearing reaches the hearingChanges flow`(portal: Portal) = runBlocking<Unit> {
        val (wallet, holder) = enrolledWallet(dir, portal)
        wallet.use {
            val subscribed = CompletableDeferred<Unit>()
            val change = async(Dispatchers.Default) {
                wallet.hearingChanges.onSubscription { subscribed.complete(Unit) }.first()
            }
            subscribed.await()
            portal.moveHearing(holder.serial, "H-1", "2030-04-01T10:30:00")
            val summary = wallet.sync()
            assertEquals(listOf("H-1"), summary.hearingChanges?.moved?.map { it.id })
            val moved = change.await().moved.single()
            assertEquals("2030-04-01T10:30:00", moved.startsLocal)
            assertEquals(HearingStatus.RESCHEDULED, moved.status)
        }
    }
}
