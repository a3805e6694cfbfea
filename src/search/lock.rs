//! One process at a time owns an index folder: the serving portal for as long as it runs, or
//! `solex reindex` while it rebuilds with no portal running. It is an operating-system file
//! lock, so it ends with its process however that ends, and the file names its holder.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Serve,
    Reindex,
}

impl Role {
    fn word(self) -> &'static str {
        match self {
            Role::Serve => "serve",
            Role::Reindex => "reindex",
        }
    }
}

/// The process holding an index folder, as it wrote itself down (unknown while it starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: Option<u32>,
    pub role: Option<Role>,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.role, self.pid) {
            (Some(role), Some(pid)) => write!(f, "`solex {}` (pid {pid})", role.word()),
            (None, Some(pid)) => write!(f, "another solex process (pid {pid})"),
            _ => write!(f, "another solex process"),
        }
    }
}

pub struct IndexLock {
    _file: File,
    base: PathBuf,
}

fn lock_path(base: &Path) -> PathBuf {
    base.join("lock")
}

impl IndexLock {
    /// Takes the folder's lock, or says who holds it.
    pub fn try_acquire(base: &Path, role: Role) -> Result<Result<IndexLock, Holder>, AppError> {
        let io = |e: std::io::Error| AppError::Config(format!("cannot lock the search index folder {}: {e}", base.display()));
        std::fs::create_dir_all(base).map_err(io)?;
        let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(lock_path(base)).map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(Err(holder(&mut file))),
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(format!("pid={} role={}\n", std::process::id(), role.word()).as_bytes()).map_err(io)?;
        Ok(Ok(IndexLock { _file: file, base: base.to_path_buf() }))
    }

    /// Takes the folder's lock or refuses, saying who holds it and what to do.
    pub fn acquire(base: &Path, role: Role) -> Result<IndexLock, AppError> {
        Self::try_acquire(base, role)?.map_err(|holder| {
            let advice = match holder.role {
                Some(Role::Reindex) => "it is rebuilding the index; try again when it has finished".to_string(),
                _ => "two portals cannot share one index folder: stop that process first, or give this one its own index_dir (SOLEX_INDEX_DIR)".to_string(),
            };
            AppError::Config(format!("the search index in {} is in use by {holder}; {advice}", base.display()))
        })
    }

    /// The index folder this lock holds.
    pub fn base(&self) -> &Path {
        &self.base
    }
}

/// The holder writes its name just after it takes the lock: give it a moment to.
fn holder(file: &mut File) -> Holder {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let found = read_holder(file);
        if found.pid.is_some() || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

fn read_holder(file: &mut File) -> Holder {
    let mut text = String::new();
    let _ = file.rewind().and_then(|_| file.read_to_string(&mut text));
    let value = |key: &str| text.split_whitespace().find_map(|w| w.strip_prefix(key)).map(str::to_string);
    Holder {
        pid: value("pid=").and_then(|p| p.parse().ok()),
        role: value("role=").and_then(|r| match r.as_str() {
            "serve" => Some(Role::Serve),
            "reindex" => Some(Role::Reindex),
            _ => None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_name_until_it_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = IndexLock::acquire(dir.path(), Role::Serve).unwrap();
        let busy = IndexLock::try_acquire(dir.path(), Role::Reindex).unwrap().err().unwrap();
        assert_eq!(busy, Holder { pid: Some(std::process::id()), role: Some(Role::Serve) });
        let refused = IndexLock::acquire(dir.path(), Role::Serve).err().unwrap().to_string();
        assert!(refused.contains(&format!("`solex serve` (pid {})", std::process::id())) && refused.contains("SOLEX_INDEX_DIR"), "{refused}");
        drop(first);
        let second = IndexLock::acquire(dir.path(), Role::Reindex).unwrap();
        let busy = IndexLock::try_acquire(dir.path(), Role::Serve).unwrap().err().unwrap();
        assert_eq!(busy.role, Some(Role::Reindex));
        assert_eq!(second.base(), dir.path());
    }
}
