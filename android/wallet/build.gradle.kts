// The wallet library for Android: the Kotlin facade (src/main/kotlin), the Android
// platform stores (src/androidMain/kotlin), the uniffi bindings and libdocket_ffi.so for
// each ABI, both produced by ../build-rust.sh. The host tests in src/test run through
// Maven (pom.xml, scripts/test-kotlin), not here.
plugins {
    alias(libs.plugins.android.library)
}

android {
    namespace = "org.docketwallet.wallet"
    compileSdk = 36

    defaultConfig {
        minSdk = 26 // the same as MIN_SDK in ../build-rust.sh
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets {
        getByName("main") {
            kotlin.srcDir("src/androidMain/kotlin")
        }
        // src/test needs the host-built library and a running portal: Maven runs it.
        getByName("test") {
            kotlin.setSrcDirs(emptyList<String>())
            java.setSrcDirs(emptyList<String>())
        }
    }

    packaging {
        jniLibs {
            // Stored uncompressed and page-aligned in the APK, loaded in place (AGP 8.5.1+
            // aligns them to 16 KB).
            useLegacyPackaging = false
        }
    }
}

kotlin {
    compilerOptions {
        allWarningsAsErrors.set(true)
    }
}

/** Runs ../build-rust.sh: cargo-ndk for each ABI, then uniffi-bindgen for Kotlin. */
abstract class BuildRust : DefaultTask() {
    @get:Inject
    abstract val exec: ExecOperations

    @get:InputFile
    abstract val script: RegularFileProperty

    @get:OutputDirectory
    abstract val jniLibsDir: DirectoryProperty

    @get:OutputDirectory
    abstract val bindingsDir: DirectoryProperty

    @TaskAction
    fun build() {
        exec.exec {
            commandLine(
                script.get().asFile.path,
                jniLibsDir.get().asFile.path,
                bindingsDir.get().asFile.path,
            )
        }
    }
}

val buildRust = tasks.register<BuildRust>("buildRust") {
    script.set(rootProject.layout.projectDirectory.file("build-rust.sh"))
    jniLibsDir.set(layout.buildDirectory.dir("generated/rust/jniLibs"))
    bindingsDir.set(layout.buildDirectory.dir("generated/rust/uniffi"))
    // Cargo knows what changed in the Rust sources; let it decide every time.
    outputs.upToDateWhen { false }
}

androidComponents {
    onVariants { variant ->
        variant.sources.jniLibs?.addGeneratedSourceDirectory(buildRust, BuildRust::jniLibsDir)
        variant.sources.kotlin?.addGeneratedSourceDirectory(buildRust, BuildRust::bindingsDir)
    }
}

dependencies {
    // Flow and StateFlow are in the public API.
    api(libs.kotlinx.coroutines.android)
    // The AAR: the jar plus libjnidispatch.so for each ABI.
    implementation(variantOf(libs.jna) { artifactType("aar") })
}
