// The Android build: the `wallet` library (Kotlin facade + generated uniffi bindings +
// libdocket_ffi.so for each ABI) and the `app` Compose shell. Written to the current
// documented AGP 9 practice; it cannot run on the project's machines (no Android SDK or
// NDK there): see README.md.
pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "DocketWallet"
include(":wallet", ":app")
