//! When to read the folder again (issue 31): a file watcher (the `notify` crate) says something in the
//! folder changed; a network folder's changes may never reach it, so the board also polls on a timer.
//! Both are behind [`ChangeSource`], so that tests drive the board with a manual tick.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Something that says the folder may have changed since it was last asked.
pub trait ChangeSource: Send {
    /// Whether a change was seen since the last call (and forgets it).
    fn take_change(&mut self) -> bool;
}

/// A change flag set from outside: by a test's tick, or by the watcher's thread.
#[derive(Debug, Clone, Default)]
pub struct Tick(Arc<AtomicBool>);

impl Tick {
    /// Marks a change.
    pub fn ring(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl ChangeSource for Tick {
    fn take_change(&mut self) -> bool {
        self.0.swap(false, Ordering::SeqCst)
    }
}

/// The operating system's file watcher on a folder (the window's; the command line reads once): each event rings the tick and calls `wake` (the
/// window's repaint), from the watcher's thread.
#[cfg(feature = "app")]
pub struct FolderWatcher {
    tick: Tick,
    _watcher: notify::RecommendedWatcher,
}

#[cfg(feature = "app")]
impl FolderWatcher {
    /// Watches `folder` (not its subfolders).
    ///
    /// # Errors
    /// The watcher cannot be made or the folder cannot be watched (then poll).
    pub fn new(folder: &std::path::Path, wake: impl Fn() + Send + 'static) -> Result<Self, String> {
        use notify::Watcher;
        let tick = Tick::default();
        let ring = tick.clone();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok() {
                ring.ring();
                wake();
            }
        })
        .map_err(|e| e.to_string())?;
        watcher
            .watch(folder, notify::RecursiveMode::NonRecursive)
            .map_err(|e| format!("{}: {e}", folder.display()))?;
        Ok(Self {
            tick,
            _watcher: watcher,
        })
    }
}

#[cfg(feature = "app")]
impl ChangeSource for FolderWatcher {
    fn take_change(&mut self) -> bool {
        self.tick.take_change()
    }
}
