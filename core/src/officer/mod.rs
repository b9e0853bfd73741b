//! The officer's facade: the one API the officer's phone (through the
//! bindings) and the desktop CLI (`docket verify`, `docket officer`) use.
//! It wraps the offline procedure ([`Verifier`]) and its trust data
//! ([`crate::trust::TrustStore`]) with what they need to survive a
//! restart, and it downloads the lists itself.
//!
//! # Files
//!
//! An officer is a **state file** and a **lists folder**
//! ([`OfficerFiles`]). On a phone and for `docket officer` both are one
//! private directory: `officer-state.json`, `trust-list.sctl`,
//! `status-list.scsl` ([`OfficerFiles::in_dir`]). `docket verify --trust DIR`
//! reads the lists from an issuer directory instead and keeps its state in
//! `DIR/verifier-state.json`, a file this module reads as its format 1.
//!
//! The state holds the list **floors** (docs/sc1-format.md 11), the
//! **replay memory** (12.3), the portal's `ETag`s of the lists installed
//! from it, the time of the last update that left both lists current, and
//! a format number. It is JSON, written with [`crate::files::write_atomic`]
//! (temporary file, fsync, rename, fsync of the folder).
//!
//! # Rules
//!
//! 1. **Never reset.** A state file that cannot be read, does not parse, or
//!    has another format is an [`OfficerError`] with a stable code, and the
//!    file is left byte for byte as it was: forgetting the floors would let
//!    an older list back in, and forgetting the replay memory would accept
//!    a screenshot again. Only a missing file means a new officer.
//! 2. **Floors never go backwards, even across a crash.** Lists are
//!    installed over the persisted floors; a list that installs is written
//!    to the lists folder *before* the state that raises its floor. A crash
//!    in between leaves a list newer than its floor, which installs over it
//!    at the next open (and the raised floor is saved then); the other
//!    order would leave a floor above the list on disk, refusing it.
//! 3. **Fail closed on replay.** A check whose live code reaches the replay
//!    check is recorded in the replay memory, even when the verdict has
//!    other reasons (12.3). The state is saved before that verdict is
//!    returned; if it cannot be saved, the verdict gets
//!    [`Reason::ReplayNotRecorded`] and is not valid, because after a
//!    restart the same image would be accepted again. Checks that record
//!    nothing (a printed card, any refused code) do not write, so they
//!    still work on storage that cannot be written.
//! 4. **A refused list explains itself.** A list that was refused (read
//!    back from the folder, downloaded or given) while no list of its kind
//!    is installed is reported in verdicts and freshness as
//!    [`Reason::TrustData`] with the refusal, instead of "missing". A
//!    refused update keeps the installed list.
//! 5. **Network apart from state.** [`fetch_lists`] is async and borrows
//!    nothing of the officer ([`Officer::etags`] is taken first); the
//!    answers are installed by the synchronous
//!    [`Officer::install_fetched`]. A caller that keeps the officer behind
//!    a lock never holds it across the network.
//! 6. **Ready means ready.** [`Freshness`] is decided by the verification's
//!    own rules ([`crate::verify::VerifierPolicy::list_age`],
//!    [`Verifier::clock_behind`]): ready exactly when a card checked now
//!    meets no list or clock problem.
//!
//! One process per state file: two officers on the same files would each
//! overwrite the other's replay memory.

mod download;
mod error;
mod freshness;
mod state;

pub use download::{FetchedLists, ListEtags, fetch_lists};
pub use error::OfficerError;
pub use freshness::{Freshness, ListFreshness, ListState};

use crate::files::{FileError, read_limited, write_atomic};
use crate::qr::GrayFrame;
use crate::qr::scan::{ScanMode, scan};
use crate::sync::{CallError, ListDownload};
use crate::trust::{
    Ed25519PublicKey, InstallOutcome, ListKind, MAX_STATUS_LIST_BYTES, MAX_TRUST_LIST_BYTES,
    TrustError, TrustStore,
};
use crate::verify::{Reason, Verdict, Verifier, VerifierPolicy};
use jiff::Timestamp;
use state::{OfficerState, STATE_FORMAT};
use std::path::{Path, PathBuf};

/// The state file's name in an officer's directory.
pub const STATE_FILE: &str = "officer-state.json";
/// The trust list's file name in a lists folder (and an issuer directory).
pub const TRUST_LIST_FILE: &str = "trust-list.sctl";
/// The status list's file name in a lists folder (and an issuer directory).
pub const STATUS_LIST_FILE: &str = "status-list.scsl";

/// Where an officer keeps what it must not forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerFiles {
    /// The state file (created at the first save).
    pub state_file: PathBuf,
    /// The folder holding [`TRUST_LIST_FILE`] and [`STATUS_LIST_FILE`].
    pub lists_dir: PathBuf,
}

impl OfficerFiles {
    /// One directory for everything: the phone's layout and `docket
    /// officer`'s.
    pub fn in_dir(dir: &Path) -> OfficerFiles {
        OfficerFiles {
            state_file: dir.join(STATE_FILE),
            lists_dir: dir.to_owned(),
        }
    }

    /// The file of a list of `kind`.
    pub fn list(&self, kind: ListKind) -> PathBuf {
        self.lists_dir.join(match kind {
            ListKind::TrustList => TRUST_LIST_FILE,
            ListKind::StatusList => STATUS_LIST_FILE,
        })
    }
}

/// What an update did to one list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListOutcome {
    /// A newer list was installed.
    Installed {
        /// Its sequence.
        sequence: u64,
    },
    /// The list installed is the portal's (it answered `304`, or sent the
    /// same bytes).
    AlreadyCurrent,
    /// The list was refused (older, badly signed, expired, ...); the
    /// installed one is kept.
    Refused(TrustError),
    /// The list could not be downloaded; the installed one is kept.
    Failed(CallError),
}

impl ListOutcome {
    /// The officer now holds the newest list it was offered.
    pub fn is_current(&self) -> bool {
        matches!(
            self,
            ListOutcome::Installed { .. } | ListOutcome::AlreadyCurrent
        )
    }
}

/// What an update did to both lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateReport {
    /// The trust list.
    pub trust_list: ListOutcome,
    /// The status list.
    pub status_list: ListOutcome,
}

/// A camera frame's code and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameCheck {
    /// The verdict on the first SC1 code found.
    pub verdict: Verdict,
    /// Its QR version.
    pub qr_version: u8,
}

/// Why a list of each kind is not installed, when it was refused.
#[derive(Debug, Clone, Default)]
struct ListProblems {
    trust_list: Option<TrustError>,
    status_list: Option<TrustError>,
}

impl ListProblems {
    fn slot(&mut self, kind: ListKind) -> &mut Option<TrustError> {
        match kind {
            ListKind::TrustList => &mut self.trust_list,
            ListKind::StatusList => &mut self.status_list,
        }
    }

    /// `reason`, or the refusal that explains it if it says a refused list
    /// is missing.
    fn explain(&self, reason: Reason) -> Reason {
        let refusal = match reason {
            Reason::TrustListMissing => &self.trust_list,
            Reason::StatusListMissing => &self.status_list,
            _ => &None,
        };
        match refusal {
            Some(error) => Reason::TrustData(error.clone()),
            None => reason,
        }
    }
}

/// The portal's tags of the installed lists and the last full update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Downloads {
    etags: ListEtags,
    last_update: Option<Timestamp>,
}

impl Downloads {
    fn etag(&mut self, kind: ListKind) -> &mut Option<String> {
        match kind {
            ListKind::TrustList => &mut self.etags.trust_list,
            ListKind::StatusList => &mut self.etags.status_list,
        }
    }
}

/// An officer's phone (or desktop): pinned roots, installed lists, the
/// floors and replay memory kept on disk. See the module documentation for
/// its rules.
#[derive(Debug)]
pub struct Officer {
    files: OfficerFiles,
    verifier: Verifier,
    problems: ListProblems,
    downloads: Downloads,
    /// Memory is ahead of the state file (the last save failed).
    unsaved: bool,
}

impl Officer {
    /// Opens the officer in `files` trusting `roots`, at `now`: reads the
    /// state (none: a new officer), installs the lists in the folder over
    /// its floors (a refused one is remembered to explain verdicts), and
    /// restores the replay memory. If a list in the folder raised a floor,
    /// the state is saved; should that fail the officer opens all the same
    /// (see [`Officer::has_unsaved_changes`]).
    pub fn open(
        files: OfficerFiles,
        roots: Vec<Ed25519PublicKey>,
        policy: VerifierPolicy,
        now: Timestamp,
    ) -> Result<Officer, OfficerError> {
        let state = OfficerState::load(&files.state_file)?;
        let floors = state
            .as_ref()
            .map(|s| (s.trust_list, s.status_list))
            .unwrap_or_default();
        let mut store = TrustStore::new(roots).with_floors(floors.0, floors.1);
        let mut problems = ListProblems::default();
        for kind in [ListKind::TrustList, ListKind::StatusList] {
            // A status list can only be checked against a trust list.
            if kind == ListKind::StatusList && store.trust_list().is_none() {
                break;
            }
            if let Some(read) = read_list(&files, kind)? {
                *problems.slot(kind) = read
                    .and_then(|bytes| install(&mut store, kind, &bytes, now))
                    .err();
            }
        }
        let raised = store.floors() != floors;
        let mut verifier = Verifier::new(store, policy);
        let downloads = match &state {
            Some(state) => {
                verifier.replay_guard_mut().restore(&state.live_codes_seen);
                Downloads {
                    etags: ListEtags {
                        trust_list: state.trust_list_etag.clone(),
                        status_list: state.status_list_etag.clone(),
                    },
                    last_update: state.last_update,
                }
            }
            None => Downloads::default(),
        };
        let mut officer = Officer {
            files,
            verifier,
            problems,
            downloads,
            unsaved: false,
        };
        if raised {
            // A failure leaves `unsaved` set: printed cards can still be
            // checked, and the next save writes the floors too.
            let _ = officer.save();
        }
        Ok(officer)
    }

    /// Where this officer keeps its files.
    pub fn files(&self) -> &OfficerFiles {
        &self.files
    }

    /// Checks an SC1 text at `now`. A live code recorded in the replay
    /// memory is saved before the verdict is returned; if it cannot be,
    /// the verdict ends with [`Reason::ReplayNotRecorded`].
    pub fn check_text(&mut self, text: &str, now: Timestamp) -> Verdict {
        let recorded = self.verifier.replay_guard().generation();
        let mut verdict = self.verifier.verify_text(text, now);
        verdict.reasons = verdict
            .reasons
            .into_iter()
            .map(|reason| self.problems.explain(reason))
            .collect();
        if self.verifier.replay_guard().generation() != recorded && self.save().is_err() {
            verdict.reasons.push(Reason::ReplayNotRecorded);
        }
        verdict
    }

    /// Scans a camera frame for SC1 codes and checks the first found, as
    /// [`Officer::check_text`]; `None` when the frame holds none. The work
    /// per frame is bounded whatever it holds.
    pub fn check_frame(&mut self, frame: &GrayFrame<'_>, now: Timestamp) -> Option<FrameCheck> {
        let found = scan(frame, ScanMode::Sc1).into_iter().next()?;
        Some(FrameCheck {
            verdict: self.check_text(&found.text, now),
            qr_version: found.version,
        })
    }

    /// The `ETag`s to send with the next download: only for lists that are
    /// installed (a `304` for a list this officer does not hold would
    /// leave it without one).
    pub fn etags(&self) -> ListEtags {
        let store = self.verifier.store();
        ListEtags {
            trust_list: store
                .trust_list()
                .and(self.downloads.etags.trust_list.clone()),
            status_list: store
                .status_list()
                .and(self.downloads.etags.status_list.clone()),
        }
    }

    /// Installs what [`fetch_lists`] brought, at `now`: the trust list,
    /// then the status list against the resulting trust list, each over
    /// its floor. New lists are written to the lists folder, then the
    /// state. On an error nothing changes in memory (the folder may hold
    /// the new lists, which the next open installs).
    pub fn install_fetched(
        &mut self,
        fetched: FetchedLists,
        now: Timestamp,
    ) -> Result<UpdateReport, OfficerError> {
        let mut update = Update {
            store: self.verifier.store().clone(),
            problems: self.problems.clone(),
            downloads: self.downloads.clone(),
            new_files: Vec::new(),
        };
        let report = UpdateReport {
            trust_list: update.list(ListKind::TrustList, fetched.trust_list, now),
            status_list: update.list(ListKind::StatusList, fetched.status_list, now),
        };
        if report.trust_list.is_current() && report.status_list.is_current() {
            update.downloads.last_update = Some(now);
        }
        for (kind, bytes) in &update.new_files {
            write_atomic(&self.files.list(*kind), bytes)?;
        }
        let state = self.state(&update.store, &update.downloads);
        if self.unsaved || state != self.state(self.verifier.store(), &self.downloads) {
            state.save(&self.files.state_file)?;
            self.unsaved = false;
        }
        *self.verifier.store_mut() = update.store;
        self.problems = update.problems;
        self.downloads = update.downloads;
        Ok(report)
    }

    /// Installs lists that arrived some other way than [`fetch_lists`]
    /// (both as signed bytes), as [`Officer::install_fetched`] does.
    pub fn install_lists(
        &mut self,
        trust_list: Vec<u8>,
        status_list: Vec<u8>,
        now: Timestamp,
    ) -> Result<UpdateReport, OfficerError> {
        self.install_fetched(FetchedLists::given(trust_list, status_list), now)
    }

    /// How fresh the lists are at `now`, and whether this officer is ready
    /// to check cards offline.
    pub fn freshness(&self, now: Timestamp) -> Freshness {
        Freshness::of(
            &self.verifier,
            &self.problems,
            self.downloads.last_update,
            now,
        )
    }

    /// Whether memory is ahead of the state file: the last save failed
    /// (floors raised at open, or a live code that could not be
    /// recorded). The next save writes it all.
    pub fn has_unsaved_changes(&self) -> bool {
        self.unsaved
    }

    /// Saves the state now: floors, replay memory, `ETag`s.
    pub fn save(&mut self) -> Result<(), OfficerError> {
        let result = self
            .state(self.verifier.store(), &self.downloads)
            .save(&self.files.state_file);
        self.unsaved = result.is_err();
        result
    }

    fn state(&self, store: &TrustStore, downloads: &Downloads) -> OfficerState {
        let (trust_list, status_list) = store.floors();
        OfficerState {
            format: STATE_FORMAT,
            trust_list,
            status_list,
            live_codes_seen: self.verifier.replay_guard().entries(),
            trust_list_etag: downloads.etags.trust_list.clone(),
            status_list_etag: downloads.etags.status_list.clone(),
            last_update: downloads.last_update,
        }
    }
}

/// An update being prepared on copies, committed only once saved.
struct Update {
    store: TrustStore,
    problems: ListProblems,
    downloads: Downloads,
    new_files: Vec<(ListKind, Vec<u8>)>,
}

impl Update {
    fn list(
        &mut self,
        kind: ListKind,
        fetched: Result<ListDownload, CallError>,
        now: Timestamp,
    ) -> ListOutcome {
        let (bytes, etag) = match fetched {
            Err(error) => return ListOutcome::Failed(error),
            Ok(ListDownload::NotModified) if installed(&self.store, kind).is_some() => {
                return ListOutcome::AlreadyCurrent;
            }
            // A 304 for a list not held (it was dropped since the ETag was
            // taken) installs nothing; the next update asks without a tag.
            Ok(ListDownload::NotModified) => {
                return ListOutcome::Failed(CallError::Refused {
                    status: 304,
                    code: "not_modified".to_owned(),
                });
            }
            Ok(ListDownload::Sent { bytes, etag }) => (bytes, etag),
        };
        match install(&mut self.store, kind, &bytes, now) {
            Ok(outcome) => {
                *self.problems.slot(kind) = None;
                // A tag names the bytes installed: a new list takes its own
                // (none if it came another way); the same bytes keep theirs
                // unless the portal sent a tag with them.
                if outcome == InstallOutcome::Installed || etag.is_some() {
                    *self.downloads.etag(kind) = etag;
                }
                match (outcome, installed(&self.store, kind)) {
                    (InstallOutcome::Installed, Some(sequence)) => {
                        self.new_files.push((kind, bytes));
                        ListOutcome::Installed { sequence }
                    }
                    _ => ListOutcome::AlreadyCurrent,
                }
            }
            Err(error) => {
                // A status list refused for want of a trust list is
                // explained by the trust list's own refusal.
                if installed(&self.store, kind).is_none() && error != TrustError::NoTrustList {
                    *self.problems.slot(kind) = Some(error.clone());
                }
                ListOutcome::Refused(error)
            }
        }
    }
}

/// The sequence of the installed list of `kind`.
fn installed(store: &TrustStore, kind: ListKind) -> Option<u64> {
    match kind {
        ListKind::TrustList => store.trust_list().map(|l| l.meta.sequence),
        ListKind::StatusList => store.status_list().map(|l| l.meta.sequence),
    }
}

fn install(
    store: &mut TrustStore,
    kind: ListKind,
    bytes: &[u8],
    now: Timestamp,
) -> Result<InstallOutcome, TrustError> {
    match kind {
        ListKind::TrustList => store.install_trust_list(bytes, now),
        ListKind::StatusList => store.install_status_list(bytes, now),
    }
}

/// A list file from the folder: `None` if there is none, a refusal if it
/// is larger than any list, an error if it cannot be read.
fn read_list(
    files: &OfficerFiles,
    kind: ListKind,
) -> Result<Option<Result<Vec<u8>, TrustError>>, OfficerError> {
    let max = match kind {
        ListKind::TrustList => MAX_TRUST_LIST_BYTES,
        ListKind::StatusList => MAX_STATUS_LIST_BYTES,
    };
    match read_limited(&files.list(kind), max as u64, &kind.to_string()) {
        Ok(bytes) => Ok(Some(Ok(bytes))),
        Err(FileError::NotFound { .. }) => Ok(None),
        Err(FileError::TooLarge { len, .. }) => Ok(Some(Err(TrustError::TooLarge {
            kind,
            len: usize::try_from(len).unwrap_or(usize::MAX),
            max,
        }))),
        Err(error) => Err(error.into()),
    }
}
