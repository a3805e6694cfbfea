//! Files attached to posts: checked by their bytes, not their names, and stored under random
//! names so nothing a member uploads can choose a path or be served as something else.

use std::path::{Path, PathBuf};

use crate::error::Message;
use crate::tokens;

pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_FILES: usize = 5;

/// A file as it arrived in a mail, in memory.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A file received from a form or a mail: in memory, or spooled to a temporary file on disk
/// (web forms), which is removed when this is dropped, on every path.
#[derive(Debug)]
pub struct Received {
    pub filename: String,
    /// Bytes received (a file cut at one byte past `MAX_FILE_BYTES` says so).
    pub size: usize,
    /// The first bytes, for checking the content against the name.
    pub head: Vec<u8>,
    pub data: Data,
}

#[derive(Debug)]
pub enum Data {
    Memory(Vec<u8>),
    Disk(TempFile),
}

/// Bytes kept in `Received::head`: enough for every signature `sniff` knows.
pub const HEAD_BYTES: usize = 16;

impl From<&Upload> for Received {
    fn from(u: &Upload) -> Self {
        Received { filename: u.filename.clone(), size: u.bytes.len(), head: u.bytes[..u.bytes.len().min(HEAD_BYTES)].to_vec(), data: Data::Memory(u.bytes.clone()) }
    }
}

impl Received {
    /// The whole content, read from disk if it was spooled (registry CSV files, at most 5 MB).
    pub fn read_all(self) -> std::io::Result<Vec<u8>> {
        match self.data {
            Data::Memory(bytes) => Ok(bytes),
            Data::Disk(t) => std::fs::read(t.path()),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.filename.is_empty() && self.size == 0
    }
}

/// A temporary file under a random name, removed when dropped unless it was kept.
#[derive(Debug)]
pub struct TempFile(PathBuf);

impl TempFile {
    /// A new empty file in `dir` (created if needed), open for writing.
    pub fn create(dir: &Path) -> std::io::Result<(TempFile, std::fs::File)> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!(".upload-{}.part", &tokens::random_token()[..32]));
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        Ok((TempFile(path), file))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A file that passed the checks.
#[derive(Debug)]
pub struct CheckedFile {
    pub original_name: String,
    pub extension: &'static str,
    pub content_type: &'static str,
    pub size: usize,
    pub data: Data,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Container {
    Pdf,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// ZIP: docx, xlsx, pptx, odt, ods, odp.
    Zip,
    /// OLE compound file: doc, xls, ppt.
    Ole,
}

/// Allowed extensions, the container their bytes must be, and the type they are served as.
const ALLOWED: &[(&str, Container, &str)] = &[
    ("pdf", Container::Pdf, "application/pdf"),
    ("png", Container::Png, "image/png"),
    ("jpg", Container::Jpeg, "image/jpeg"),
    ("jpeg", Container::Jpeg, "image/jpeg"),
    ("gif", Container::Gif, "image/gif"),
    ("webp", Container::Webp, "image/webp"),
    ("docx", Container::Zip, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", Container::Zip, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", Container::Zip, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("odt", Container::Zip, "application/vnd.oasis.opendocument.text"),
    ("ods", Container::Zip, "application/vnd.oasis.opendocument.spreadsheet"),
    ("odp", Container::Zip, "application/vnd.oasis.opendocument.presentation"),
    ("doc", Container::Ole, "application/msword"),
    ("xls", Container::Ole, "application/vnd.ms-excel"),
    ("ppt", Container::Ole, "application/vnd.ms-powerpoint"),
];

fn sniff(bytes: &[u8]) -> Option<Container> {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(b"%PDF-") {
        Some(Container::Pdf)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Some(Container::Png)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some(Container::Jpeg)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some(Container::Gif)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Container::Webp)
    } else if starts(b"PK\x03\x04") {
        Some(Container::Zip)
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some(Container::Ole)
    } else {
        None
    }
}

/// Keeps a readable, harmless display name: no folders, no control or markup characters.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '_' | '(' | ')'))
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').to_string();
    let mut out: String = trimmed.chars().rev().take(100).collect::<Vec<_>>().into_iter().rev().collect();
    if out.is_empty() {
        out = "file".into();
    }
    out
}

pub fn check(upload: Received) -> Result<CheckedFile, Message> {
    let name = safe_name(&upload.filename);
    if upload.size == 0 {
        return Err(Message::new("file-empty").arg("name", name));
    }
    if upload.size > MAX_FILE_BYTES {
        return Err(Message::new("file-too-big").arg("name", name).arg("megabytes", MAX_FILE_BYTES / (1024 * 1024)));
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let Some((extension, container, content_type)) = ALLOWED.iter().find(|(e, _, _)| *e == ext) else {
        return Err(Message::new("file-type-refused").arg("name", name));
    };
    if sniff(&upload.head) != Some(*container) {
        return Err(Message::new("file-content-mismatch").arg("name", name).arg("extension", *extension));
    }
    Ok(CheckedFile { original_name: name, extension, content_type, size: upload.size, data: upload.data })
}

/// Writes a checked file under a fresh random name and returns that name. A spooled file is
/// linked into place (copied if it lies on another file system).
pub fn store(dir: &Path, file: &CheckedFile) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let stored = format!("{}.{}", &tokens::random_token()[..32], file.extension);
    let tmp = dir.join(format!(".{stored}.part"));
    let written = match &file.data {
        Data::Memory(bytes) => std::fs::write(&tmp, bytes),
        Data::Disk(t) => std::fs::hard_link(t.path(), &tmp).or_else(|_| std::fs::copy(t.path(), &tmp).map(|_| ())),
    };
    if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, dir.join(&stored))) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(stored)
}

pub fn path_of(dir: &Path, stored_name: &str) -> PathBuf {
    dir.join(stored_name)
}

/// Images open in the browser; everything else downloads.
pub fn inline(content_type: &str) -> bool {
    content_type.starts_with("image/")
}
