//! A disk that is full or read-only, for the tests of the wallet's store
//! (`core/tests/store.rs`) and of `docket wallet` (`cli/tests/
//! wallet_storage.rs`), included by both with `#[path]`: a test runs its
//! own binary again, inside a private mount namespace where a small tmpfs
//! holds a copy of a folder and is then filled up or remounted read-only.
//! Needs `unshare` and a kernel that allows mount namespaces (both are on
//! the CI machines; tests run as root there).

use std::path::{Path, PathBuf};

/// The folder and the trouble, in the child that [`on_troubled_storage`]
/// starts; `None` in the test harness's own run.
pub const TROUBLE_DIR: &str = "DOCKET_TEST_TROUBLE_DIR";
pub const TROUBLE: &str = "DOCKET_TEST_TROUBLE";

pub fn troubled() -> Option<(PathBuf, String)> {
    Some((
        PathBuf::from(std::env::var_os(TROUBLE_DIR)?),
        std::env::var(TROUBLE).ok()?,
    ))
}

/// Runs this binary's test `name` again in a private mount namespace
/// where a small tmpfs holds a copy of `source`'s files and is then
/// filled up (`full`) or remounted read-only (`read_only`). `unshare` is
/// required: without it the test fails, it is never skipped.
pub fn on_troubled_storage(name: &str, source: &Path, trouble: &str) {
    let mount = tempfile::tempdir().unwrap();
    let script = r#"set -e
mount -t tmpfs -o size=1m tmpfs "$1"
cp -a "$2/." "$1/"
case "$3" in
  full) dd if=/dev/zero of="$1/fill" bs=4096 2>/dev/null || true ;;
  read_only) mount -o remount,ro "$1" ;;
  *) exit 64 ;;
esac
shift 3
exec "$@"
"#;
    let output = std::process::Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c", script, "sh"])
        .arg(mount.path())
        .arg(source)
        .arg(trouble)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(TROUBLE_DIR, mount.path())
        .env(TROUBLE, trouble)
        .output()
        .expect("`unshare` must be installed: these tests need a private tmpfs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{trouble}: {}\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
}
