package org.docketwallet.wallet

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.extension.AfterEachCallback
import org.junit.jupiter.api.extension.BeforeEachCallback
import org.junit.jupiter.api.extension.ExtensionContext
import org.junit.jupiter.api.extension.ParameterContext
import org.junit.jupiter.api.extension.ParameterResolver

/** The directory holding the binaries cargo built (`docket`, `docket-portal`). */
val binDir: Path = Path.of(
    System.getProperty("docket.bin.dir") ?: error("docket.bin.dir is not set; run scripts/test-kotlin"),
)

/** Runs a built binary with [args]; its standard output, or an error with everything it said. */
fun runBinary(name: String, vararg args: String): String {
    val process = ProcessBuilder(listOf(binDir.resolve(name).toString()) + args).start()
    val err = process.errorStream.bufferedReader().readText()
    val out = process.inputStream.bufferedReader().readText()
    check(process.waitFor() == 0) { "$name ${args.joinToString(" ")} failed:\n$out\n$err" }
    return out
}

/** A holder the portal knows: what is printed on their card and the code they were given. */
data class Holder(val serial: String, val cardQr: String, val activationCode: String, val photo: ByteArray)

/**
 * A reference `docket-portal` on 127.0.0.1 with its own issuer and database in [dir]. It
 * can be stopped and started again on the same port with the same database, as a phone
 * losing and regaining its connection sees it.
 */
class Portal(private val dir: Path) : AutoCloseable {
    /** The issuer directory (`docket issuer init`). */
    val issuerDir: Path = dir.resolve("issuer")
    private val db: Path = dir.resolve("portal.db")
    private var process: Process? = null
    private var port = 0
    private var starts = 0
    private var holders = 0

    init {
        runBinary("docket", "issuer", "init", "--dir", issuerDir.toString())
    }

    /** The issuer root key the app pins (Ed25519, hex). */
    val rootKey: String get() = Files.readString(issuerDir.resolve("root.pub")).trim()

    /** The signed trust list, as the app downloads it. */
    val trustList: ByteArray get() = Files.readAllBytes(issuerDir.resolve("trust-list.sctl"))

    /** The signed status list, as the app downloads it. */
    val statusList: ByteArray get() = Files.readAllBytes(issuerDir.resolve("status-list.scsl"))

    /** The base URL; the same after a restart. */
    val url: String get() = "http://127.0.0.1:$port"

    /** Serves (again, on the same port after the first start), with `--chaos [chaos]` if given. */
    fun start(chaos: String? = null) {
        check(process == null) { "already running" }
        val log = dir.resolve("portal-${starts++}.log")
        val command = mutableListOf(
            binDir.resolve("docket-portal").toString(), "serve",
            "--db", db.toString(), "--issuer", issuerDir.toString(), "--listen", "127.0.0.1:$port",
        )
        if (chaos != null) command += listOf("--chaos", chaos)
        val started = ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start()
        process = started
        val listening = Regex("""docket-portal listening on http://127\.0\.0\.1:(\d+)""")
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
        while (true) {
            val found = listening.find(Files.readString(log))
            if (found != null) {
                port = found.groupValues[1].toInt()
                return
            }
            check(started.isAlive) { "docket-portal exited:\n${Files.readString(log)}" }
            check(System.nanoTime() < deadline) { "docket-portal did not start:\n${Files.readString(log)}" }
            Thread.sleep(10)
        }
    }

    /** Stops serving (SIGTERM, then waits); the database stays. */
    fun stop() {
        val running = process ?: return
        running.destroy()
        if (!running.waitFor(10, TimeUnit.SECONDS)) running.destroyForcibly().waitFor()
        process = null
    }

    /** Issues a printed card for a new holder with one hearing, H-1. */
    fun addHolder(
        card: String = """{"family_name":"Nguyễn","given_names":"Thị Lan","date_of_birth":"1985-03","sex":"F","nationality":"VNM","expires":"2030-06-30"}""",
        hearings: String = """[{"id":"H-1","starts":{"local":"2030-03-15T09:00:00","time_zone":"America/Chicago"},"court":{"name":"Houston Immigration Court","address":"600 Jefferson St\nHouston, TX 77002"},"judge":null,"kind":"master_calendar","status":"scheduled"}]""",
    ): Holder {
        val n = holders++
        val cardFile = Files.writeString(dir.resolve("card-$n.json"), card)
        val hearingsFile = Files.writeString(dir.resolve("hearings-$n.json"), hearings)
        val photo = ByteArray(1500) { (it * 31 + 7).toByte() }
        val photoFile = Files.write(dir.resolve("photo-$n.jpg"), photo)
        val out = runBinary(
            "docket-portal", "admin", "add-holder", "--db", db.toString(), "--issuer", issuerDir.toString(),
            "--card", cardFile.toString(), "--photo", photoFile.toString(), "--hearings", hearingsFile.toString(),
            "--json",
        )
        return Holder(jsonString(out, "serial"), jsonString(out, "card_qr"), jsonString(out, "activation_code"), photo)
    }

    /** Moves the holder [serial]'s hearing [id] to the court-local time [starts]. */
    fun moveHearing(serial: String, id: String, starts: String) {
        runBinary("docket-portal", "admin", "hearing", "move", "--db", db.toString(),
            "--serial", serial, "--id", id, "--starts", starts)
    }

    /** The idempotency keys of everything the portal received, one per stored record. */
    fun receivedKeys(): List<String> =
        Regex(""""idempotency_key"\s*:\s*"([^"]*)"""")
            .findAll(runBinary("docket-portal", "admin", "received", "--db", db.toString(), "--json"))
            .map { it.groupValues[1] }
            .toList()

    override fun close() = stop()

    private fun jsonString(json: String, key: String): String =
        Regex(""""$key"\s*:\s*"([^"\\]*)"""").find(json)?.groupValues?.get(1)
            ?: error("no $key in $json")
}

/**
 * Gives each test a running [Portal] of its own (a fresh issuer, database and port in a
 * temporary directory), stopped and removed after the test. It builds nothing:
 * scripts/test-kotlin builds the binaries first.
 */
class PortalExtension : BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private val namespace = ExtensionContext.Namespace.create(PortalExtension::class.java)

    override fun beforeEach(context: ExtensionContext) {
        val dir = Files.createTempDirectory("docket-kotlin-portal")
        val portal = Portal(dir)
        context.getStore(namespace).put("dir", dir)
        context.getStore(namespace).put("portal", portal)
        portal.start()
    }

    override fun afterEach(context: ExtensionContext) {
        context.getStore(namespace).remove("portal", Portal::class.java)?.close()
        context.getStore(namespace).remove("dir", Path::class.java)?.toFile()?.deleteRecursively()
    }

    override fun supportsParameter(parameter: ParameterContext, extension: ExtensionContext): Boolean =
        parameter.parameter.type == Portal::class.java

    override fun resolveParameter(parameter: ParameterContext, extension: ExtensionContext): Any =
        checkNotNull(extension.getStore(namespace).get("portal", Portal::class.java))
}
